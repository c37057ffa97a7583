package report

import (
	"errors"
	"path/filepath"

	"github.com/google/pprof/profile"

	"github.com/hotbench/hotbench/profiles"
	"github.com/hotbench/hotbench/results"
)

// errNoProfiles says a run captured no profile of the kind asked for.
var errNoProfiles = errors.New("no profiles of this kind were captured")

// mergedProfile merges one kind of profile over all of a run's repetitions.
// Any unreadable file is an error: a table over some repetitions would
// pass for one over all.
func mergedProfile(r *results.Run, kind string) (*profile.Profile, error) {
	if r.Dir == "" {
		return nil, errors.New("the run has no folder to read profiles from")
	}
	var ps []*profile.Profile
	for _, rep := range r.Repetitions {
		for _, p := range rep.Profiles {
			if p.Kind != kind {
				continue
			}
			prof, err := profiles.Load(filepath.Join(r.Dir, filepath.FromSlash(p.File)))
			if err != nil {
				return nil, err
			}
			ps = append(ps, prof)
		}
	}
	if len(ps) == 0 {
		return nil, errNoProfiles
	}
	return profiles.Merge(ps)
}
