package kernels

import (
	"fmt"
	"os"
	"strings"
)

// Impl is one instruction-set tier: an SGEMM micro-kernel with its tile
// shape and cache blocking, and the elementwise kernels written for it.
type Impl struct {
	Name string

	// MR x NR is the register tile of the micro-kernel; KC, MC and NC are the
	// cache blocks (KC x NR of B stays in L1, MC x KC of A in L2).
	MR, NR     int
	KC, MC, NC int

	// sgemmTile computes the MR x NR tile C = A*B (accumulate == 0) or
	// C += A*B (accumulate != 0) from a packed A panel (kc steps of MR values)
	// and a packed B panel (kc steps of NR values).
	sgemmTile func(kc int, a, b, c *float32, ldc int, accumulate int)

	// sgemmEdge, where a tier has one, computes a rows x cols corner of
	// that tile (rows <= MR, cols <= NR) from the same panels, straight
	// into C: every element summed as sgemmTile sums it, nothing outside
	// the corner written. Without it, edges run sgemmTile into scratch.
	sgemmEdge func(kc int, a, b, c *float32, ldc int, accumulate int, rows, cols int)

	// sgemmEdgePair, for cols <= edgePairCols (0: never), is sgemmEdge on
	// two A panels at once, a at rows 0..MR-1 of C and a1 below it (MR <
	// rows <= 2*MR): one vector of columns leaves a single panel too few
	// accumulators to cover the FMA latency.
	sgemmEdgePair func(kc int, a, a1, b, c *float32, ldc int, accumulate int, rows, cols int)
	edgePairCols  int

	// epilogueRows adds the bias and applies the ReLU on a finished block
	// of C (epilogueRowsGeneric; a tier's vector code gives the same sums
	// and the same max).
	epilogueRows func(c []float32, ldc, rows, cols int, bias []float32, relu bool)

	// sigmoid writes 1/(1+exp(-x)) for each x of src into dst (same length).
	sigmoid func(dst, src []float32)

	// winogradInput is WinogradInputRow without the argument checks.
	winogradInput func(rows []float32, pw, tw int, out []float32, stride int)

	// winogradOutput is WinogradOutputRow without the argument checks.
	winogradOutput func(m []float32, stride, tw int, bias float32, flags int, row0, row1 []float32)

	// winograd4Input and winograd4Output are Winograd4InputRow and
	// Winograd4OutputRow without the argument checks.
	winograd4Input  func(rows []float32, pw, tw int, out []float32, stride int)
	winograd4Output func(m []float32, stride, tw int, bias float32, flags int, dst []float32, ld int)

	// gatherEven is GatherEven without the argument checks.
	gatherEven func(dst, src []float32)

	// packARows lays out a full panel of MR rows of a non-transposed A (a
	// starts at the panel's first row); packBPanels packs whole panels of
	// NR columns of a non-transposed B (b starts at the block's first
	// element); prefetchRows hints rows x cols values of B (row stride ld)
	// into cache, with no effect on results.
	packARows    func(panel []float32, mr, k int, a []float32, lda int)
	packBPanels  func(dst []float32, nr, kc, panels int, alpha float32, b []float32, ldb int)
	prefetchRows func(b []float32, rows, ld, cols int)

	// packBEdge packs the partial last panel of cols < NR columns of a
	// non-transposed B (packBEdgeGeneric, or a tier's vector code).
	packBEdge func(panel []float32, nr, kc, cols int, alpha float32, b []float32, ldb int)

	// winoWeights4 and winoWeights2 transform one panel of a Winograd
	// conv's raw weights for F(4x4) and F(2x2) (WinoWeights.Transform).
	winoWeights4, winoWeights2 func(raw []float32, n int, dst []float32, stride int)
}

func (im *Impl) String() string { return im.Name }

// generic is the pure-Go tier: the reference every other tier is tested
// against, and the one that runs where no assembly exists.
var generic = &Impl{
	Name: "generic",
	MR:   4, NR: 4,
	KC: 256, MC: 128, NC: 2048,
	sgemmTile: sgemmTileGeneric,
	sigmoid:   sigmoidGeneric,

	winogradInput:  winogradInputGeneric,
	winogradOutput: winogradOutputGeneric,
	gatherEven:     gatherEvenGeneric,

	winograd4Input:  winograd4InputGeneric,
	winograd4Output: winograd4OutputGeneric,

	packARows:    packARowsFull,
	packBPanels:  packBPanelsGeneric,
	prefetchRows: prefetchNone,

	packBEdge:    packBEdgeGeneric,
	epilogueRows: epilogueRowsGeneric,

	winoWeights4: winoWeights4Generic,
	winoWeights2: winoWeights2Generic,
}

// tiers lists the tiers this CPU can run, best first; the generic tier is
// always last. archTiers comes from the per-architecture dispatch file.
var tiers = append(archTiers(), generic)

// active is the tier used by default; chosen once at init.
var active = chooseActive(os.Getenv("RETINA_KERNELS"))

// Tiers returns every tier this CPU can run, best first, ending with generic.
func Tiers() []*Impl { return append([]*Impl(nil), tiers...) }

// Active returns the tier in use by default.
func Active() *Impl { return active }

// Lookup returns the tier with the given name if this CPU can run it.
func Lookup(name string) (*Impl, error) {
	var have []string
	for _, t := range tiers {
		if t.Name == name {
			return t, nil
		}
		have = append(have, t.Name)
	}
	return nil, fmt.Errorf("kernel tier %q is not available on this CPU (available: %s)", name, strings.Join(have, ", "))
}

// chooseActive picks the best tier, or the one forced by RETINA_KERNELS
// (a float tier's name, or an int8 tier's, which means its level).
// A forced tier that the CPU lacks falls back to the best one with a warning
// on stderr, so that a stale environment never stops a camera.
func chooseActive(forced string) *Impl {
	if forced == "" {
		return tiers[0]
	}
	t, err := Lookup(forced)
	if t8, err8 := LookupInt8(forced); err != nil && err8 == nil {
		// An int8 tier's name: its level's float tier.
		t, err = Lookup(t8.level)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "retina: RETINA_KERNELS: %v; using %s\n", err, tiers[0].Name)
		return tiers[0]
	}
	return t
}
