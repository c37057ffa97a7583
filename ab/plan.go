package ab

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"

	"github.com/hotbench/hotbench/scenarios"
)

// Block orders: A is the base, B the candidate. Either order puts the two
// sides at the same mean position inside the block, so a drift that is
// linear over the block's four repetitions cancels from the difference.
const (
	OrderABBA = "ABBA"
	OrderBAAB = "BAAB"
)

// coin draws the blocks' orders from a seed, so --seed replays a session's
// order exactly.
type coin struct{ rng *rand.Rand }

func newCoin(seed int64) *coin {
	return &coin{rng: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
}

func (c *coin) order() string {
	if c.rng.IntN(2) == 0 {
		return OrderABBA
	}
	return OrderBAAB
}

// sideScenario is the scenario as one side runs it: its target (and a
// profile URL on the same host) moved to the side's own address, so two
// servers can listen at once.
func sideScenario(sc *scenarios.Scenario, addr string) (*scenarios.Scenario, error) {
	c := *sc
	t, err := url.Parse(sc.Target)
	if err != nil || t.Host == "" {
		return nil, fmt.Errorf("target %q is not a URL: write it like http://127.0.0.1:8080", sc.Target)
	}
	oldHost := t.Host
	t.Host = addr
	c.Target = t.String()
	if p := sc.Profiles.Pprof; p != "" {
		if u, err := url.Parse(p); err == nil && sameHost(u.Host, oldHost) {
			u.Host = addr
			c.Profiles.Pprof = u.String()
		}
	}
	return &c, nil
}

// sameHost compares host:port pairs, treating localhost and 127.0.0.1 as
// one host.
func sameHost(a, b string) bool {
	norm := func(h string) string { return strings.Replace(h, "localhost", "127.0.0.1", 1) }
	return norm(a) == norm(b)
}

// withHost is stored (a URL as the runner stored it, secrets redacted) with
// the host of original: the side's port swapped back for the scenario's.
func withHost(stored, original string) string {
	su, err1 := url.Parse(stored)
	ou, err2 := url.Parse(original)
	if stored == "" || err1 != nil || err2 != nil {
		return stored
	}
	su.Host = ou.Host
	return su.String()
}
