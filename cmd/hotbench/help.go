package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/hotbench/hotbench/scenarios"
)

// scenarioHelpTopic is `hotbench help scenario`: the scenario format's
// reference for users who only have the binary. A command without Run is
// one of cobra's "additional help topics"; its help is its Long text, the
// package documentation of scenarios as scenarios.Reference embeds it.
func (a *app) scenarioHelpTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "scenario",
		Short: "The scenario file format: every key, its default and its limits",
		Long:  "hotbench scenario files (hotbench init writes a commented starter, hotbench\nvalidate checks one)\n\n" + strings.TrimRight(scenarios.Reference, "\n"),
	}
}
