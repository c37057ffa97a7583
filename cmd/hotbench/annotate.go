package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hotbench/hotbench/results"
)

// annotateTimeExample is what a bad --time or --end is told to look like.
const annotateTimeExample = "2026-11-03T14:00:00Z, or with an offset, 2026-11-03T15:00:00+01:00"

func (a *app) annotateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "annotate",
		Short: "Mark releases, deploys, incidents, fixes and notes on the trend charts",
		Long: `annotate keeps the results folder's annotations.jsonl: releases and deploys (drawn
as vertical lines on trend charts), incidents (shaded spans; runs inside one are
marked and kept out of trend fits), fixes and notes. The file is append-only: rm
appends a removal, so nothing is ever rewritten.

  hotbench annotate add --kind incident --title "database failover" \
      --time 2026-11-03T10:00:00Z --end 2026-11-03T11:30:00Z --scenario manual-search
  hotbench annotate sync-git              # every git tag becomes a release, once
  hotbench annotate ls
  hotbench annotate export --format grafana > annotations.json`,
	}
	cmd.AddCommand(a.annotateAddCommand(), a.annotateLsCommand(), a.annotateRmCommand(),
		a.annotateSyncGitCommand(), a.annotateExportCommand())
	return cmd
}

func (a *app) annotateAddCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add --kind KIND --title TITLE",
		Short: "Add an annotation (prints its id)",
		Long: `add appends one annotation and prints its id on standard output. KIND is one of
` + strings.Join(results.AnnotationKinds, ", ") + `. Times are RFC 3339 (` + annotateTimeExample + `);
--time defaults to now, --end is for spans such as incidents. Without --scenario
the annotation concerns every scenario.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			kind, _ := f.GetString("kind")
			title, _ := f.GetString("title")
			if kind == "" {
				return usagef("annotate add needs --kind: one of %s", strings.Join(results.AnnotationKinds, ", "))
			}
			if strings.TrimSpace(title) == "" {
				return usagef("annotate add needs --title, like --title v1.4.0 or --title \"database failover\"")
			}
			an := results.Annotation{Kind: kind, Title: title, Time: time.Now().UTC().Truncate(time.Second)}
			var err error
			if f.Changed("time") {
				if an.Time, err = annotateTime(f, "time"); err != nil {
					return err
				}
			}
			if f.Changed("end") {
				end, err := annotateTime(f, "end")
				if err != nil {
					return err
				}
				an.End = &end
			}
			an.Text, _ = f.GetString("text")
			an.URL, _ = f.GetString("url")
			an.Commit, _ = f.GetString("commit")
			an.Scenarios, _ = f.GetStringArray("scenario")
			an.Tags, _ = f.GetStringArray("tag")
			st := a.store()
			added, err := st.AddAnnotation(an)
			if err != nil {
				return storeError(err)
			}
			fmt.Fprintln(a.stdout, added.ID)
			fmt.Fprintf(a.stderr, "added %s %s: %s\n", added.Kind, added.ID, added.Title)
			if len(added.Scenarios) > 0 {
				known, _ := st.Scenarios()
				for _, sc := range added.Scenarios {
					if !slices.Contains(known, sc) {
						fmt.Fprintf(a.stderr, "WARNING: %s has no runs of scenario %s yet: check its name\n", st.Dir, sc)
					}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.String("kind", "", "what it marks: "+strings.Join(results.AnnotationKinds, ", "))
	f.String("title", "", "one line, shown on the charts")
	f.String("time", "", "when it happened or began, RFC 3339 (default now)")
	f.String("end", "", "when it ended, RFC 3339 (for spans such as incidents)")
	f.String("text", "", "more words: what happened, what it means")
	f.String("url", "", "a link: the release notes, the incident report, the ticket")
	f.String("commit", "", "the git commit hash it concerns")
	f.StringArray("scenario", nil, "a scenario it concerns (repeat for several; default all)")
	f.StringArray("tag", nil, "a tag (repeat for several)")
	cmd.RegisterFlagCompletionFunc("kind", completeAnnotationKinds)
	return cmd
}

// completeAnnotationKinds offers the kinds, for --kind.
func completeAnnotationKinds(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return results.AnnotationKinds, cobra.ShellCompDirectiveNoFileComp
}

// annotateTime reads a time flag: RFC 3339, or a usage error with an
// example.
func annotateTime(f *pflag.FlagSet, name string) (time.Time, error) {
	s, _ := f.GetString(name)
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, usagef("--%s %q is not an RFC 3339 time: write it like %s", name, s, annotateTimeExample)
	}
	return t, nil
}

func (a *app) annotateLsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ls",
		Short: "List annotations, oldest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			all, err := a.annotations(cmd)
			if err != nil {
				return err
			}
			if asJSON, _ := cmd.Flags().GetBool("json"); asJSON {
				if all == nil {
					all = []results.Annotation{}
				}
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(all)
			}
			if len(all) == 0 && (cmd.Flags().Changed("scenario") || cmd.Flags().Changed("kind")) {
				fmt.Fprintf(a.stderr, "no annotations in %s match --scenario and --kind\n", a.store().Dir)
				return nil
			}
			if len(all) == 0 {
				fmt.Fprintf(a.stderr, "no annotations in %s (add one with 'hotbench annotate add --kind release --title v1.4.0', or 'hotbench annotate sync-git')\n", a.store().Dir)
				return nil
			}
			return results.WriteAnnotations(a.stdout, all)
		},
	}
	cmd.Flags().Bool("json", false, "print a JSON array of the annotations")
	annotateFilterFlags(cmd)
	return cmd
}

// annotateFilterFlags adds --scenario and --kind, which pick annotations.
func annotateFilterFlags(cmd *cobra.Command) {
	cmd.Flags().String("scenario", "", "only the annotations that concern this scenario (those of all scenarios included)")
	cmd.Flags().String("kind", "", "only annotations of this kind")
	cmd.RegisterFlagCompletionFunc("kind", completeAnnotationKinds)
}

// annotations reads the store's annotations, picked by --scenario and
// --kind.
func (a *app) annotations(cmd *cobra.Command) ([]results.Annotation, error) {
	scenario, _ := cmd.Flags().GetString("scenario")
	kind, _ := cmd.Flags().GetString("kind")
	kind = strings.ToLower(strings.TrimSpace(kind))
	if kind != "" && !slices.Contains(results.AnnotationKinds, kind) {
		return nil, usagef("--kind %q: use one of %s", kind, strings.Join(results.AnnotationKinds, ", "))
	}
	all, err := a.store().Annotations()
	if err != nil {
		return nil, storeError(err)
	}
	var picked []results.Annotation
	for _, an := range all {
		if an.AppliesTo(scenario) && (kind == "" || an.Kind == kind) {
			picked = append(picked, an)
		}
	}
	return picked, nil
}

func (a *app) annotateRmCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rm ID",
		Short: "Remove an annotation (a removal is appended; the file is never rewritten)",
		Args:  exactArgs(1, "the id of an annotation (see 'hotbench annotate ls')"),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			all, _ := annotateStore(cmd).Annotations()
			var ids []string
			for _, an := range all {
				ids = append(ids, an.ID+"\t"+an.Kind+": "+an.Title)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := a.store().RemoveAnnotation(args[0]); err != nil {
				return storeError(err)
			}
			fmt.Fprintf(a.stderr, "removed %s\n", args[0])
			return nil
		},
	}
}

// annotateStore is the results folder a completion works on: flags are
// parsed then, but not yet layered into viper.
func annotateStore(cmd *cobra.Command) *results.Store {
	dir, _ := cmd.Flags().GetString("results")
	if !cmd.Flags().Changed("results") {
		if env := os.Getenv("HOTBENCH_RESULTS"); env != "" {
			dir = env
		}
	}
	return results.Open(dir)
}

func (a *app) annotateSyncGitCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sync-git",
		Short: "Make every git tag a release annotation (once: a second sync adds nothing)",
		Long: `sync-git reads the tags of the git repository around --repo (default: the current
folder) and adds each one the results folder has not seen as a release: the tag's
name as title, its date (the tagger's for an annotated tag, the commit's for a
lightweight one), its commit, and the subject of its message. It prints what it
added. A release removed with 'annotate rm' stays removed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			repo, _ := cmd.Flags().GetString("repo")
			added, err := a.store().SyncGitTags(a.ctx, repo)
			if err != nil {
				if errors.Is(err, results.ErrLocked) || a.ctx.Err() != nil {
					return err
				}
				return usageError{err}
			}
			if len(added) == 0 {
				fmt.Fprintln(a.stderr, "no new tags")
				return nil
			}
			if err := results.WriteAnnotations(a.stdout, added); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "added %d release(s)\n", len(added))
			return nil
		},
	}
	cmd.Flags().String("repo", "", "a folder in the git repository (default: the current folder)")
	return cmd
}

func (a *app) annotateExportCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export --format grafana",
		Short: "Print annotations for another tool (Grafana's annotation API)",
		Long: `export prints the annotations as a JSON array of the bodies Grafana's HTTP API
takes (POST /api/annotations): time and timeEnd in epoch milliseconds, tags
(hotbench, the kind, the annotation's tags, scenario:NAME) and text. To create them:

  hotbench annotate export --format grafana | jq -c '.[]' |
    while read -r a; do curl -sS -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "$a" "$GRAFANA_URL/api/annotations"; done`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format, _ := cmd.Flags().GetString("format"); format != "grafana" {
				return usagef("unknown annotation export format %q: the only one is grafana", format)
			}
			all, err := a.annotations(cmd)
			if err != nil {
				return err
			}
			out, err := results.GrafanaJSON(all)
			if err != nil {
				return err
			}
			_, err = a.stdout.Write(out)
			return err
		},
	}
	cmd.Flags().String("format", "grafana", "export format (grafana)")
	cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"grafana"}, cobra.ShellCompDirectiveNoFileComp
	})
	annotateFilterFlags(cmd)
	return cmd
}
