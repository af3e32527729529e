package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/retina-edge/retina/kernels"
)

// version is the release this binary was built from. scripts/release.sh
// sets it with -ldflags "-X main.version=$(git describe ...)"; go build and
// go run leave "dev".
var version = "dev"

// versionLine names the release, the Go toolchain, the platform and the
// kernel tier in use.
func versionLine() string {
	return fmt.Sprintf("retina %s (%s, %s/%s, %s kernels)", version, runtime.Version(), runtime.GOOS, runtime.GOARCH, kernels.Active().Name)
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintln(stdout, versionLine())
	return nil
}
