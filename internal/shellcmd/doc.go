// Package shellcmd fills the placeholders of a command that hotbench runs
// through sh -c (server.build, server.command, profiles.command) so that no
// value can be read by the shell as code: a placeholder becomes a reference
// to an environment variable holding its value, so the value never appears
// in the script at all, whatever quotes, backticks, here-documents or
// comments surround it.
package shellcmd
