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
