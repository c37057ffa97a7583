package shard

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/hotbench/hotbench/runner"
	"github.com/hotbench/hotbench/scenarios"
)

// K8sOptions describes the Kubernetes objects of a sharded run.
type K8sOptions struct {
	// Shards is the number of pods, one shard each.
	Shards int
	// Image is hotbench's container image (the repository's Dockerfile).
	Image string
	// Namespace, when set, is written into every object.
	Namespace string
	// ResultsClaim is a PersistentVolumeClaim (ReadWriteMany, so that
	// every pod writes its part and shard 0 reads them all to merge)
	// mounted at /results; without one the runs stay in each pod's
	// emptyDir and go with the pod.
	ResultsClaim string
	// Label is the run's label (--label of every shard).
	Label string
	// CPU and Memory are each pod's requests, and its limits: equal, so
	// a load generator is never throttled below what it was given
	// (defaults "2" and "1Gi").
	CPU, Memory string
}

// Paths inside a shard's pod.
const (
	scenarioDir = "/etc/hotbench"
	resultsDir  = "/results"
)

// Manifests returns the objects that run sc as opts.Shards pods: a
// ConfigMap holding the scenario file's text (file names it: its
// extension says its format), a headless Service that gives pod 0 the
// name the others reach its coordinator by, and an Indexed Job whose pods
// run `hotbench run --shards N`, each taking its shard from
// JOB_COMPLETION_INDEX, one per node. A failed pod is not retried
// (backoffLimitPerIndex 0): the other shards have aborted by then, and a
// shard started alone could not join.
func Manifests(sc *scenarios.Scenario, text []byte, file string, opts K8sOptions) ([]any, error) {
	switch {
	case opts.Shards < 2:
		return nil, fmt.Errorf("--shards %d: a sharded run needs at least two shards", opts.Shards)
	case opts.Image == "":
		return nil, fmt.Errorf("--image is needed: the image of hotbench the pods run (docker build -t IMAGE . in hotbench's repository)")
	}
	for _, e := range sc.Endpoints {
		if e.BodyFile != "" {
			return nil, fmt.Errorf("endpoint %s reads body_file %s, which the ConfigMap does not carry: write the body inline (body:) for a run on Kubernetes", e.Name, e.BodyFile)
		}
		if e.Data != "" {
			return nil, fmt.Errorf("endpoint %s reads its data from %s, which the ConfigMap does not carry: build the file into the image, or run the shards with --shard by hand", e.Name, e.Data)
		}
	}
	if err := (runner.Shard{Count: opts.Shards}).Check(sc); err != nil {
		return nil, err
	}
	cpu, memory := opts.CPU, opts.Memory
	if cpu == "" {
		cpu = "2"
	}
	if memory == "" {
		memory = "1Gi"
	}
	qcpu, err := resource.ParseQuantity(cpu)
	if err != nil {
		return nil, fmt.Errorf("--cpu %q is not a Kubernetes quantity (2, 500m): %v", cpu, err)
	}
	qmem, err := resource.ParseQuantity(memory)
	if err != nil {
		return nil, fmt.Errorf("--memory %q is not a Kubernetes quantity (1Gi, 512Mi): %v", memory, err)
	}
	name := objectName(sc.Name)
	labels := map[string]string{
		"app.kubernetes.io/name":     "hotbench",
		"app.kubernetes.io/instance": name,
	}
	meta := func() metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: opts.Namespace, Labels: copyMap(labels)}
	}
	key := "scenario" + strings.ToLower(filepath.Ext(file))
	if key == "scenario" {
		key = "scenario.yaml"
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: meta(),
		Data:       map[string]string{key: string(text)},
	}
	port, _ := strconv.Atoi(DefaultPort)
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: meta(),
		Spec: corev1.ServiceSpec{
			// Headless: pod 0 is <job>-0.<service>, the coordinator.
			ClusterIP: corev1.ClusterIPNone,
			Selector:  copyMap(labels),
			// The shards dial pod 0 before any readiness would be known.
			PublishNotReadyAddresses: true,
			Ports: []corev1.ServicePort{{
				Name: "coordinator", Port: int32(port), TargetPort: intstr.FromInt32(int32(port)), Protocol: corev1.ProtocolTCP,
			}},
		},
	}
	n := int32(opts.Shards)
	zero := int32(0)
	indexed := batchv1.IndexedCompletion
	replace := batchv1.Failed
	noToken, nonRoot, group := false, true, int64(65532)
	args := []string{"run", scenarioDir + "/" + key, "--shards", strconv.Itoa(opts.Shards), "--results", resultsDir}
	if opts.Label != "" {
		args = append(args, "--label", opts.Label)
	}
	results := corev1.Volume{Name: "results", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	if opts.ResultsClaim != "" {
		results.VolumeSource = corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: opts.ResultsClaim}}
	}
	res := corev1.ResourceList{corev1.ResourceCPU: qcpu, corev1.ResourceMemory: qmem}
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta(),
		Spec: batchv1.JobSpec{
			CompletionMode:       &indexed,
			Completions:          &n,
			Parallelism:          &n,
			BackoffLimitPerIndex: &zero,
			PodReplacementPolicy: &replace,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: copyMap(labels)},
				Spec: corev1.PodSpec{
					Subdomain:                    name,
					RestartPolicy:                corev1.RestartPolicyNever,
					AutomountServiceAccountToken: &noToken,
					// The image runs as distroless's nonroot user (65532):
					// the results volume is made writable for its group.
					SecurityContext: &corev1.PodSecurityContext{RunAsNonRoot: &nonRoot, FSGroup: &group},
					Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
						// One shard per node: two on one node would share its
						// CPU and network, which sharding is there to avoid.
						RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{
							LabelSelector: &metav1.LabelSelector{MatchLabels: copyMap(labels)},
							TopologyKey:   "kubernetes.io/hostname",
						}},
					}},
					Containers: []corev1.Container{{
						Name:  "hotbench",
						Image: opts.Image,
						Args:  args,
						Env: []corev1.EnvVar{{
							Name:  "HOTBENCH_COORDINATOR",
							Value: fmt.Sprintf("%s-0.%s:%s", name, name, DefaultPort),
						}},
						Ports:     []corev1.ContainerPort{{Name: "coordinator", ContainerPort: int32(port), Protocol: corev1.ProtocolTCP}},
						Resources: corev1.ResourceRequirements{Requests: res, Limits: res.DeepCopy()},
						VolumeMounts: []corev1.VolumeMount{
							{Name: "scenario", MountPath: scenarioDir, ReadOnly: true},
							{Name: "results", MountPath: resultsDir},
						},
					}},
					Volumes: []corev1.Volume{
						{Name: "scenario", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
							LocalObjectReference: corev1.LocalObjectReference{Name: name},
						}}},
						results,
					},
				},
			},
		},
	}
	return []any{cm, svc, job}, nil
}

// objectName is a Kubernetes name for a scenario's objects: DNS-1123
// (lower-case letters, digits and dashes), short enough that pod
// <name>-<index> stays a DNS label.
func objectName(scenario string) string {
	s := "hotbench-" + strings.ReplaceAll(scenario, "_", "-")
	if len(s) > 50 {
		s = s[:50]
	}
	return strings.TrimRight(s, "-")
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// WriteYAML writes objects as one YAML stream, documents separated by
// "---".
func WriteYAML(objects []any) ([]byte, error) {
	var b bytes.Buffer
	for i, o := range objects {
		y, err := yaml.Marshal(o)
		if err != nil {
			return nil, fmt.Errorf("manifest %d: %w", i+1, err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes(), nil
}

// DecodeStrict reads a YAML stream of the objects Manifests makes back
// into their typed API structs, refusing any field the types do not have:
// what the API server would reject or, worse, silently drop.
func DecodeStrict(stream []byte) ([]any, error) {
	var out []any
	for i, doc := range splitDocuments(stream) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		var obj any
		switch tm.APIVersion + "/" + tm.Kind {
		case "v1/ConfigMap":
			obj = &corev1.ConfigMap{}
		case "v1/Service":
			obj = &corev1.Service{}
		case "batch/v1/Job":
			obj = &batchv1.Job{}
		default:
			return nil, fmt.Errorf("document %d: unexpected kind %s %s", i+1, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, tm.Kind, err)
		}
		out = append(out, obj)
	}
	return out, nil
}

func splitDocuments(stream []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), stream...), []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}
