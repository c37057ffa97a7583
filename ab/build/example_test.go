package build_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hotbench/hotbench/ab/build"
)

func ExampleBuild() {
	ctx := context.Background()
	repo, _ := os.MkdirTemp("", "hotbench-example-")
	cache, _ := os.MkdirTemp("", "hotbench-cache-")
	defer os.RemoveAll(repo)
	defer os.RemoveAll(cache)
	// A service with one commit, whose build copies a script to {bin}.
	setup := exec.Command("sh", "-c", `git init -q &&
		git config user.name example && git config user.email example@example.com &&
		printf '#!/bin/sh\necho hello from the server\n' > server.sh &&
		git add server.sh && git commit -q -m first`)
	setup.Dir = repo
	if out, err := setup.CombinedOutput(); err != nil {
		fmt.Printf("%v: %s", err, out)
		return
	}

	src, err := build.Resolve(ctx, repo, "HEAD")
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		bin, err := build.Build(ctx, build.Spec{
			Source:     src,
			Command:    "cp server.sh {bin} && chmod +x {bin}", // server.build
			RunCommand: "{bin} -addr {addr}",                   // server.command
			CacheDir:   cache,
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		// ab starts bin.Path in bin.WorkDir, and cleans up once it stopped.
		out, _ := exec.Command(bin.Path).Output()
		_, inTree := os.Stat(filepath.Join(bin.WorkDir, "server.sh"))
		fmt.Printf("%s: cached %v, tree has server.sh %v: %s", bin.Source.Ref, bin.Cached, inTree == nil, out)
		bin.Cleanup()
	}
	// Output:
	// HEAD: cached false, tree has server.sh true: hello from the server
	// HEAD: cached true, tree has server.sh true: hello from the server
}
