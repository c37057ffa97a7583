package shard

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/hotbench/hotbench/internal/golden"
	"github.com/hotbench/hotbench/scenarios"
)

const k8sScenario = `name: manual-search
target: http://search.shop.svc:8080
load: {rate: 2000/s, duration: 20s, warmup: 5s}
runs: 10
endpoints:
  - name: search
    path: /api/search?q=kitchen
    weight: 3
  - name: manual
    path: /api/manuals/42
`

func loadK8sScenario(t *testing.T) (*scenarios.Scenario, []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "search.yaml")
	if err := os.WriteFile(path, []byte(k8sScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sc, []byte(k8sScenario)
}

func manifests(t *testing.T, opts K8sOptions) []byte {
	t.Helper()
	sc, text := loadK8sScenario(t)
	objs, err := Manifests(sc, text, "search.yaml", opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := WriteYAML(objs)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestManifestsGolden(t *testing.T) {
	golden.Check(t, filepath.Join("testdata", "k8s.golden"), manifests(t, K8sOptions{
		Shards: 4, Image: "registry.example/hotbench:v1", Namespace: "perf", ResultsClaim: "hotbench-results", Label: "before",
	}))
}

// The manifests decode strictly back into the typed API, and carry what
// a sharded run needs: the scenario, a headless service that publishes pod
// 0 before it is ready, and an Indexed Job of one pod per shard and node
// that is never retried, with requests equal to limits, running
// hotbench run --shards N against the coordinator at pod 0's name.
func TestManifestsDecodeStrictlyAndCarryTheRun(t *testing.T) {
	objs, err := DecodeStrict(manifests(t, K8sOptions{Shards: 4, Image: "img", Namespace: "perf", ResultsClaim: "claim", Label: "before"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 3 {
		t.Fatalf("%d objects, want ConfigMap, Service, Job", len(objs))
	}
	cm, svc, job := objs[0].(*corev1.ConfigMap), objs[1].(*corev1.Service), objs[2].(*batchv1.Job)
	if cm.Data["scenario.yaml"] != k8sScenario || cm.Namespace != "perf" {
		t.Errorf("ConfigMap %+v does not hold the scenario file", cm)
	}
	if svc.Spec.ClusterIP != corev1.ClusterIPNone || !svc.Spec.PublishNotReadyAddresses || svc.Spec.Ports[0].Port != 7070 {
		t.Errorf("Service %+v is not headless on the coordinator's port", svc.Spec)
	}
	s := job.Spec
	switch {
	case s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion:
		t.Error("completionMode is not Indexed")
	case *s.Completions != 4 || *s.Parallelism != 4:
		t.Errorf("completions %d, parallelism %d, want 4 and 4", *s.Completions, *s.Parallelism)
	case s.BackoffLimitPerIndex == nil || *s.BackoffLimitPerIndex != 0:
		t.Error("backoffLimitPerIndex is not 0")
	case s.PodReplacementPolicy == nil || *s.PodReplacementPolicy != batchv1.Failed:
		t.Error("podReplacementPolicy is not Failed")
	}
	pod := s.Template.Spec
	if pod.Subdomain != svc.Name || pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("pods: subdomain %q (service %q), restart policy %q", pod.Subdomain, svc.Name, pod.RestartPolicy)
	}
	anti := pod.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	if len(anti) != 1 || anti[0].TopologyKey != "kubernetes.io/hostname" || anti[0].LabelSelector.MatchLabels["app.kubernetes.io/instance"] != s.Template.Labels["app.kubernetes.io/instance"] {
		t.Errorf("anti-affinity %+v does not keep one shard per node", anti)
	}
	c := pod.Containers[0]
	for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		req, lim := c.Resources.Requests[r], c.Resources.Limits[r]
		if req.IsZero() || req.Cmp(lim) != 0 {
			t.Errorf("%s: requests %s, limits %s, want equal", r, req.String(), lim.String())
		}
	}
	args := strings.Join(c.Args, " ")
	if !strings.HasPrefix(args, "run /etc/hotbench/scenario.yaml --shards 4 --results /results") || !strings.Contains(args, "--label before") {
		t.Errorf("args %q", args)
	}
	if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool {
		return e.Name == "HOTBENCH_COORDINATOR" && e.Value == "hotbench-manual-search-0.hotbench-manual-search:7070"
	}) {
		t.Errorf("env %+v lacks the coordinator at pod 0", c.Env)
	}
	if v := pod.Volumes[1]; v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != "claim" {
		t.Errorf("results volume %+v is not the claim", v)
	}
}

// A field the API types do not have is an error, not dropped.
func TestDecodeStrictRefusesUnknownFields(t *testing.T) {
	b := manifests(t, K8sOptions{Shards: 2, Image: "img"})
	bad := strings.Replace(string(b), "completionMode: Indexed", "completionMode: Indexed\n  completionsMode: Indexed", 1)
	if _, err := DecodeStrict([]byte(bad)); err == nil || !strings.Contains(err.Error(), "completionsMode") {
		t.Errorf("a misspelt field decoded: %v", err)
	}
}

func TestManifestsRefuse(t *testing.T) {
	sc, text := loadK8sScenario(t)
	for _, tt := range []struct {
		name string
		opts K8sOptions
		want string
	}{
		{"one shard", K8sOptions{Shards: 1, Image: "i"}, "at least two"},
		{"no image", K8sOptions{Shards: 2}, "--image"},
		{"a CPU that is no quantity", K8sOptions{Shards: 2, Image: "i", CPU: "two"}, "--cpu"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Manifests(sc, text, "s.yaml", tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want %q", err, tt.want)
			}
		})
	}
}
