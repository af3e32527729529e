package main

import (
	"fmt"
	"io"
)

func runBench(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("which benchmark? 'retina bench kernels' or 'retina bench model'")
	}
	switch args[0] {
	case "kernels":
		return runBenchKernels(args[1:], stdout, stderr)
	case "model":
		return runBenchModel(args[1:], stdout, stderr)
	case "-h", "--help":
		fmt.Fprintln(stderr, "Usage: retina bench kernels|model [flags]   (retina bench kernels --help for flags)")
		return nil
	}
	return usagef("unknown benchmark %q: want kernels or model", args[0])
}
