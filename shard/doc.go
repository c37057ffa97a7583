// Package shard splits one scenario's schedule over several processes or
// pods and puts the parts back together exactly. Shard I of N sends the
// hits of each endpoint's arrival stream whose number is congruent to I
// modulo N (runner.Shard), so the shards' rates sum to the scenario's and
// their hits interleave. Shard 0 hosts a small coordination endpoint
// (Coordinator: registration, clock offsets, a start time broadcast ahead
// for every repetition, the plan's retries, aborts); every shard stores
// its part as an ordinary run, and Merge makes them one run whose
// histograms are the exact HDR merge and whose repetitions are samples of
// the whole load. Manifests prints the Kubernetes objects (ConfigMap,
// headless Service, Indexed Job) that run the shards as pods.
package shard
