package scenarios

import (
	"slices"

	"github.com/hotbench/hotbench/metric"
)

// Until every package names package metric (removed in this change's last
// commit).
const (
	P50         = metric.P50
	P90         = metric.P90
	P999        = metric.P999
	Mean        = metric.Mean
	Max         = metric.Max
	RPS         = metric.RPS
	ErrorRate   = metric.ErrorRate
	CPUPerReq   = metric.CPUPerReq
	AllocPerReq = metric.AllocPerReq
)

var Metrics = metric.Standard

func IsMetric(name string) bool { return slices.Contains(metric.Standard, name) }

func IsLatency(name string) bool {
	m, _ := metric.Lookup(name)
	return m.IsLatency()
}

func HigherIsBetter(name string) bool {
	m, _ := metric.Lookup(name)
	return m.HigherIsBetter()
}
