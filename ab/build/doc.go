// Package build turns two versions of the user's service into programs that
// hotbench ab runs side by side: Resolve names a version (a commit, or the
// working tree with its uncommitted changes), Checkout makes it a detached
// git worktree without touching the user's tree, and Build runs server.build
// there and caches the binary per commit, working-tree state and command,
// leaving a fresh worktree for the server to run in until Binary.Cleanup.
package build
