package results

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// TagAnnotationID is the ID SyncGitTags gives the release of a git tag.
func TagAnnotationID(tag string) string { return "tag-" + tag }

// gitTag is one tag as for-each-ref reports it.
type gitTag struct {
	name, subject, commit string
	date                  time.Time
}

// tagFormat asks for-each-ref for, per tag and NUL-terminated: its name,
// the type and hash of the object it names, the type and hash of what that
// object names in turn (for an annotated tag: the tagged object), its
// creator's date (the tagger's for an annotated tag, the committer's for a
// lightweight one) and its subject (the tag message's, or the commit's).
const tagFormat = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)%00%(creatordate:iso-strict)%00%(contents:subject)%00"

const tagFields = 7

// gitTags lists the tags of the repository around dir.
func gitTags(ctx context.Context, dir string) ([]gitTag, error) {
	out, err := git(ctx, dir, "for-each-ref", "--format="+tagFormat, "refs/tags")
	if err != nil {
		return nil, err
	}
	fields := strings.Split(string(out), "\x00")
	// Each record ends with a NUL, and for-each-ref ends it with a newline,
	// which starts the next record's first field.
	var tags []gitTag
	for i := 0; i+tagFields <= len(fields); i += tagFields {
		f := fields[i : i+tagFields]
		name := strings.TrimLeft(f[0], "\n")
		if name == "" {
			continue
		}
		t := gitTag{name: name, subject: strings.Join(strings.Fields(f[6]), " ")}
		switch {
		case f[1] == "commit":
			t.commit = f[2]
		case f[1] == "tag" && f[3] == "commit":
			t.commit = f[4]
		case f[1] == "tag" && f[3] == "tag":
			// A tag of a tag: follow it to its commit, if it has one.
			if c, err := git(ctx, dir, "rev-parse", "--verify", "-q", "refs/tags/"+name+"^{commit}"); err == nil {
				t.commit = strings.TrimSpace(string(c))
			}
		}
		if f[5] == "" {
			continue // a lightweight tag of a tree or blob has no date to draw it at
		}
		if t.date, err = time.Parse(time.RFC3339, f[5]); err != nil {
			return nil, fmt.Errorf("tag %s: git gave the date %q: %w", name, f[5], err)
		}
		tags = append(tags, t)
	}
	return tags, nil
}

// git runs git in dir and returns its standard output; a failure is an
// error with git's own last line.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err == nil {
		return out, nil
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, errors.New("git is not installed (or not on PATH): install it to read the repository's tags")
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	msg := strings.TrimSpace(stderr.String())
	if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
		msg = msg[i+1:]
	}
	if strings.Contains(msg, "not a git repository") {
		return nil, fmt.Errorf("%s is not in a git repository", dir)
	}
	if msg == "" {
		msg = err.Error()
	}
	return nil, fmt.Errorf("git %s: %s", args[0], msg)
}

// SyncGitTags makes every tag of the git repository around repoDir ("" is
// the current folder) a release annotation: ID TagAnnotationID(tag), the
// tag's name as its title and only tag, its date (the tagger's for an
// annotated tag, the commit's for a lightweight one) as its time, the
// tagged commit, and the subject of the tag's message (or of the commit's,
// for a lightweight tag) as its text. It is idempotent: a tag whose ID the
// store has ever held is skipped, so a second sync adds nothing, and a
// release that was removed (RemoveAnnotation) stays removed; add it again
// by hand if it was removed by mistake. A lightweight tag of something
// other than a commit, which has no date, is skipped. It returns what it
// added, oldest first.
func (s *Store) SyncGitTags(ctx context.Context, repoDir string) ([]Annotation, error) {
	if repoDir == "" {
		repoDir = "."
	}
	tags, err := gitTags(ctx, repoDir)
	if err != nil {
		return nil, fmt.Errorf("sync git tags: %w", err)
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, fmt.Errorf("sync git tags: %w", err)
	}
	defer unlock()
	l, err := s.readAnnotations()
	if err != nil {
		return nil, err
	}
	var added []Annotation
	var lines [][]byte
	for _, t := range tags {
		id := TagAnnotationID(t.name)
		if l.ever[id] {
			continue
		}
		a, err := checkAnnotation(Annotation{
			ID: id, Kind: AnnotationRelease, Time: t.date, Title: t.name, Text: t.subject,
			Tags: []string{t.name}, Commit: t.commit,
		})
		if err != nil {
			return nil, fmt.Errorf("sync git tags: tag %s: %w", t.name, err)
		}
		line, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("sync git tags: tag %s: %w", t.name, err)
		}
		l.ever[id] = true
		added = append(added, a)
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return nil, nil
	}
	if err := s.appendAnnotations(l, lines...); err != nil {
		return nil, err
	}
	sort.SliceStable(added, func(i, j int) bool { return added[i].Time.Before(added[j].Time) })
	return added, nil
}
