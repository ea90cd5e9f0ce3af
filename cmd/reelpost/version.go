package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/reelpost/reelpost/internal/version"
)

func cmdVersion(_ context.Context, e *cliEnv, args []string) error {
	fs := newFlags(e, "version", "", "Print reelpost's version and the Go version it was built with.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "reelpost %s (%s, %s/%s)\n", version.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
