package report

import (
	"time"

	"github.com/hotbench/hotbench/compare"
	"github.com/hotbench/hotbench/results"
)

// Options configure both reports. The zero value is ready to use.
type Options struct {
	// Now stamps the report's "generated" line; nil means time.Now. Tests
	// set it so output does not drift.
	Now func() time.Time
	// TopFunctions is the number of rows in CPU function tables; 0 means 15.
	TopFunctions int
	// Alpha and Confidence are the statistics' significance level and
	// interval level, as in compare.Options; 0 means benchstat's defaults.
	Alpha, Confidence float64
	// DPI is the charts' resolution; 0 means 144, sharp on a projector and
	// readable at the charts' 16 cm width.
	DPI int
	// Annotations are the store's (results.Store.Annotations), for the
	// reports that are given runs rather than a store: RunReport and
	// BuildBeforeAfter say when a run started inside an incident.
	// BuildMonth reads the store's itself.
	Annotations []results.Annotation
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TopFunctions <= 0 {
		o.TopFunctions = 15
	}
	if o.Alpha == 0 {
		o.Alpha = compare.DefaultAlpha
	}
	if o.Confidence == 0 {
		o.Confidence = compare.DefaultConfidence
	}
	if o.DPI <= 0 {
		o.DPI = 144
	}
	return o
}
