package quant

import (
	"fmt"
	"math"

	"github.com/retina-edge/retina/net"
)

// maxConvK bounds a conv's C*K*K: the int8 GEMM's int32 sums of k products
// of at most 128*128 must not overflow.
const maxConvK = math.MaxInt32 / (128 * 128)

// newArch derives the layers of a config with package net's walk (the
// float model's own), refusing convs too deep for int32 sums.
func newArch(c *net.Config) (*net.Arch, error) {
	a, err := c.Arch()
	if err != nil {
		return nil, err
	}
	for _, l := range a.Convs() {
		if k := l.InC * l.K * l.K; k > maxConvK {
			return nil, fmt.Errorf("quant: conv %s sums %d products, more than int32 accumulators hold (%d)", l.Name, k, maxConvK)
		}
	}
	return a, nil
}

// blockKey names a residual block's output (after the add and ReLU).
func blockKey(last net.ArchConv) string { return last.Name + ".block" }

// sumKey names an FPN lateral's output after the top-down add.
func sumKey(inner net.ArchConv) string { return inner.Name + ".sum" }

// Keys of the activations shared by several ops.
const (
	keyInput   = "input"
	keyPyramid = "pyramid" // P3..P7, each level under levelKey
)

// levelName is pyramid level l's name, P3..P7.
func levelName(l int) string { return fmt.Sprintf("P%d", l+3) }

// levelKey names an activation of pyramid level l: the FPN outputs and
// the head towers have parameters per level, their ranges differing by
// an order of magnitude between P3 and P7.
func levelKey(base string, l int) string { return base + "." + levelName(l) }
