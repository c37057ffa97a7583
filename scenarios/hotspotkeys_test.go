package scenarios

import (
	"encoding/json"
	"strings"
	"testing"
)

// withHotspot is minimal with one hotspot on search; extra keys follow its
// objective, from line 13 on.
func withHotspot(extra string) string {
	return minimal + "hotspots:\n  - name: search-steps\n    endpoint: search\n    objective: 150ms\n" + extra
}

// A hotspot may say who owns it and where it is tracked: owner, team and
// ticket, in YAML, TOML and JSON alike.
func TestHotspotOwnerTeamAndTicket(t *testing.T) {
	yaml := withHotspot("    owner: alice\n    team: search\n    ticket: PERF-123\n")
	toml := `name = "search"
target = "http://127.0.0.1:8080"
[load]
rate = "100/s"
duration = "10s"
[[endpoints]]
name = "search"
path = "/api/search"
[[hotspots]]
name = "search-steps"
endpoint = "search"
objective = "150ms"
owner = "alice"
team = "search"
ticket = "PERF-123"
`
	jsonText := `{"name": "search", "target": "http://127.0.0.1:8080", "load": {"rate": "100/s", "duration": "10s"},
 "endpoints": [{"name": "search", "path": "/api/search"}],
 "hotspots": [{"name": "search-steps", "endpoint": "search", "objective": "150ms", "owner": "alice", "team": "search", "ticket": "PERF-123"}]}`
	for name, text := range map[string]string{"s.yaml": yaml, "s.toml": toml, "s.json": jsonText} {
		t.Run(name, func(t *testing.T) {
			h := mustLoad(t, name, text, nil).Hotspots[0]
			if h.Owner != "alice" || h.Team != "search" || h.Ticket != "PERF-123" {
				t.Errorf("owner %q, team %q, ticket %q; want alice, search, PERF-123", h.Owner, h.Team, h.Ticket)
			}
		})
	}
}

func TestHotspotRecordsAsWritten(t *testing.T) {
	for _, tc := range []struct {
		name, extra         string
		owner, team, ticket string
	}{
		{"none of them is required", "", "", "", ""},
		{"a ticket that is a number keeps its digits", "    ticket: 0123\n", "", "", "0123"},
		{"a ticket may be a URL", "    ticket: https://tracker.example.com/browse/PERF-123?focus=1\n", "", "", "https://tracker.example.com/browse/PERF-123?focus=1"},
		{"an empty ticket is no ticket", "    ticket: \"\"\n", "", "", ""},
		{"a ticket with no value is no ticket", "    ticket:\n", "", "", ""},
		// As for every key of the format, null is no value given.
		{"an owner with no value is no owner", "    owner:\n", "", "", ""},
		{"an owner may be a full name", "    owner: Ada Lovelace\n", "Ada Lovelace", "", ""},
		{"a team may be a number", "    team: 42\n", "", "42", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := mustLoad(t, "s.yaml", withHotspot(tc.extra), nil).Hotspots[0]
			if h.Owner != tc.owner || h.Team != tc.team || h.Ticket != tc.ticket {
				t.Errorf("owner %q, team %q, ticket %q; want %q, %q, %q", h.Owner, h.Team, h.Ticket, tc.owner, tc.team, tc.ticket)
			}
		})
	}
}

func TestHotspotRecordsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		line        int
		field, msg  string
	}{
		{"an empty owner names nobody", "    owner: \"\"\n", 13, "hotspots[0].owner", "is empty: name the owner, like alice, or leave owner out"},
		{"a blank team names nobody", "    team: \"  \"\n", 13, "hotspots[0].team", "is empty: name the team, like search"},
		{"a list of owners is not one owner", "    owner: [alice, bob]\n", 13, "hotspots[0].owner", "write a single value"},
		{"an owner of two lines is refused", "    owner: \"alice\\nbob\"\n", 13, "hotspots[0].owner", "has several lines"},
		{"a ticket of two lines is refused", "    ticket: \"PERF-1\\nPERF-2\"\n", 13, "hotspots[0].ticket", "has several lines"},
		{"an owner longer than a table cell is refused", "    owner: " + strings.Repeat("a", 101) + "\n", 13, "hotspots[0].owner", "at most 100"},
		{"a misspelt owner suggests the key", "    ower: alice\n", 13, "hotspots[0].ower", "unknown key; did you mean owner?"},
		{"a misspelt ticket suggests the key", "    tciket: PERF-1\n", 13, "hotspots[0].tciket", "unknown key; did you mean ticket?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list := loadErrors(t, withHotspot(tc.extra), nil)
			for _, e := range list {
				if e.Field == tc.field {
					if e.Line != tc.line || !strings.Contains(e.Msg, tc.msg) {
						t.Errorf("got %s; want line %d and %q", e, tc.line, tc.msg)
					}
					return
				}
			}
			t.Errorf("no error at %s in:\n%v", tc.field, list)
		})
	}
}

// Validate applies the same rules to a scenario built in code.
func TestValidateHotspotRecords(t *testing.T) {
	for _, tc := range []struct {
		name                string
		owner, team, ticket string
		field, msg          string
	}{
		{"all three given", "alice", "search", "PERF-1", "", ""},
		{"a blank owner", " ", "", "", "hotspots[0].owner", "is blank"},
		{"a team of two lines", "", "a\nb", "", "hotspots[0].team", "several lines"},
		{"a ticket of two lines", "", "", "a\r\nb", "hotspots[0].ticket", "several lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustLoad(t, "s.yaml", withHotspot(""), nil)
			h := &s.Hotspots[0]
			h.Owner, h.Team, h.Ticket = tc.owner, tc.team, tc.ticket
			errs := s.Validate()
			if tc.field == "" {
				if len(errs) > 0 {
					t.Errorf("refused: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, tc.msg) {
				t.Errorf("errors %v, want one at %s with %q", errs, tc.field, tc.msg)
			}
		})
	}
}

// Owner, team and ticket are records, like the calibration: naming an
// owner makes no new version of the scenario. They are stored with the
// scenario in run.json, and read back.
func TestHotspotRecordsKeepTheHashAndRoundTrip(t *testing.T) {
	plain := mustLoad(t, "s.yaml", withHotspot(""), nil)
	owned := mustLoad(t, "s.yaml", withHotspot("    owner: alice\n    team: search\n    ticket: PERF-1\n"), nil)
	if Hash(plain) != Hash(owned) {
		t.Error("naming an owner changed the hash")
	}
	if owned.Hotspots[0].Owner != "alice" {
		t.Error("Hash cleared the scenario's own owner")
	}
	if Hash(mustLoad(t, "s.yaml", withHotspot("    due: 2026-12-31\n"), nil)) == Hash(plain) {
		t.Error("a due date did not change the hash")
	}
	b, err := json.Marshal(owned)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"owner":"alice","team":"search","ticket":"PERF-1"`) {
		t.Errorf("JSON %s lacks owner, team and ticket", b)
	}
	var back Scenario
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if h := back.Hotspots[0]; h.Owner != "alice" || h.Team != "search" || h.Ticket != "PERF-1" {
		t.Errorf("read back %+v", h)
	}
	if b, _ := json.Marshal(plain); strings.Contains(string(b), "owner") {
		t.Errorf("a hotspot without an owner writes one: %s", b)
	}
}
