//go:build ignore

// Set-input-size rewrites a float model file with another resize rule
// (the input size detection and fine-tuning use by default); the weights
// are untouched. The default model was trained at 256 with scale jitter
// and is stored with the size that scored best on its validation set.
//
//	go run scripts/set-input-size.go IN.safetensors OUT.safetensors MIN_SIZE MAX_SIZE
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/retina-edge/retina/net"
)

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/set-input-size.go IN.safetensors OUT.safetensors MIN_SIZE MAX_SIZE")
		os.Exit(2)
	}
	minSize, err1 := strconv.Atoi(os.Args[3])
	maxSize, err2 := strconv.Atoi(os.Args[4])
	if err1 != nil || err2 != nil || minSize < 32 || maxSize < minSize {
		fmt.Fprintln(os.Stderr, "set-input-size: want 32 <= MIN_SIZE <= MAX_SIZE")
		os.Exit(2)
	}
	cfg, weights, err := net.ReadModelFile(os.Args[1])
	if err == nil {
		cfg.MinSize, cfg.MaxSize = minSize, maxSize
		err = net.WriteModelFile(os.Args[2], cfg, weights)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "set-input-size:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: input size %d..%d\n", os.Args[2], minSize, maxSize)
}
