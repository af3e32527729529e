package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"time"

	"github.com/retina-edge/retina/kernels"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// kernelRow is one line of `retina bench kernels --json`.
type kernelRow struct {
	Op      string  `json:"op"`
	Impl    string  `json:"impl"`
	M       int     `json:"m,omitempty"`
	N       int     `json:"n"`
	K       int     `json:"k,omitempty"`
	Threads int     `json:"threads"`
	GFLOPS  float64 `json:"gflops,omitempty"`
	GElems  float64 `json:"gelems,omitempty"`
}

// benchShapes are the SGEMM shapes RetinaNet spends its time in: a 3x3
// 256->256 conv at 40x40, a 3x3 64->64 conv at 80x80, and a head's
// 256 -> 9*80 class conv at 40x40.
var benchShapes = shapeList{{256, 1600, 2304}, {64, 6400, 576}, {720, 1600, 2304}}

// shapeList is a repeatable MxNxK flag.
type shapeList [][3]int

func (s *shapeList) String() string { return fmt.Sprint([][3]int(*s)) }

func (s *shapeList) Set(v string) error {
	var m, n, k int
	if _, err := fmt.Sscanf(v, "%dx%dx%d", &m, &n, &k); err != nil || m < 1 || n < 1 || k < 1 || m*n > 1<<28 || n*k > 1<<28 || m*k > 1<<28 {
		return fmt.Errorf("shape %q: want MxNxK with positive sizes, e.g. 256x1600x2304", v)
	}
	*s = append(*s, [3]int{m, n, k})
	return nil
}

func runBenchKernels(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench kernels", "bench kernels [--json] [--threads N] [--gonum=false]", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	threads := fs.Int("threads", runtime.NumCPU(), "threads for the multi-thread rows (single-thread rows are always measured)")
	withGonum := fs.Bool("gonum", true, "also measure gonum's pure-Go blas32 Sgemm on one thread")
	budget := fs.Duration("time", 400*time.Millisecond, "measuring time per row")
	var shapes shapeList
	fs.Var(&shapes, "shape", "SGEMM shape `MxNxK` to measure instead of the default three (repeatable)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if len(shapes) == 0 {
		shapes = benchShapes
	}
	if *threads < 1 || *threads > 1024 {
		return usagef("--threads %d: want 1..1024", *threads)
	}
	emit := func(r kernelRow) {
		if *asJSON {
			b, _ := json.Marshal(r)
			fmt.Fprintln(stdout, string(b))
			return
		}
		switch r.Op {
		case "sgemm":
			fmt.Fprintf(stdout, "%-8s %-10s m=%-5d n=%-5d k=%-5d threads=%d  %8.1f GFLOP/s\n", r.Op, r.Impl, r.M, r.N, r.K, r.Threads, r.GFLOPS)
		case "gemm_i8": // gflops holds int8 GOP/s (two operations per multiply-add)
			fmt.Fprintf(stdout, "%-8s %-10s m=%-5d n=%-5d k=%-5d threads=%d  %8.1f GOP/s\n", r.Op, r.Impl, r.M, r.N, r.K, r.Threads, r.GFLOPS)
		default:
			fmt.Fprintf(stdout, "%-8s %-8s n=%-8d threads=%d  %8.2f Gelem/s\n", r.Op, r.Impl, r.N, r.Threads, r.GElems)
		}
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "CPU: %s; tiers: %v (active %s)\n", kernels.Features(), kernels.Tiers(), kernels.Active())
	}
	threadCounts := []int{1}
	if *threads > 1 {
		threadCounts = append(threadCounts, *threads)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, shape := range shapes {
		m, n, k := shape[0], shape[1], shape[2]
		a, b, c := randomSlice(rng, m*k), randomSlice(rng, k*n), make([]float32, m*n)
		flops := 2 * float64(m) * float64(n) * float64(k)
		for _, im := range kernels.Tiers() {
			for _, t := range threadCounts {
				e := kernels.NewEngine(im, t)
				secs := bestTime(*budget, func() { e.Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) })
				e.Close()
				emit(kernelRow{Op: "sgemm", Impl: im.Name, M: m, N: n, K: k, Threads: t, GFLOPS: flops / secs / 1e9})
			}
		}
		benchGemmI8(rng, m, n, k, threadCounts, *budget, emit)
		if *withGonum {
			prev := runtime.GOMAXPROCS(1)
			secs := bestTime(*budget, func() {
				blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, blas32.General{Rows: m, Cols: k, Stride: k, Data: a},
					blas32.General{Rows: k, Cols: n, Stride: n, Data: b}, 0, blas32.General{Rows: m, Cols: n, Stride: n, Data: c})
			})
			runtime.GOMAXPROCS(prev)
			emit(kernelRow{Op: "sgemm", Impl: "gonum", M: m, N: n, K: k, Threads: 1, GFLOPS: flops / secs / 1e9})
		}
	}
	const elems = 1 << 16 // fits in L2: measures arithmetic, not memory
	src, dst := randomSlice(rng, elems), make([]float32, elems)
	for i := range src {
		src[i] *= 12
	}
	for _, im := range kernels.Tiers() {
		secs := bestTime(*budget, func() { im.Sigmoid(dst, src) })
		emit(kernelRow{Op: "sigmoid", Impl: im.Name, N: elems, Threads: 1, GElems: elems / secs / 1e9})
	}
	secs := bestTime(*budget, func() { kernels.ReLU(dst) })
	emit(kernelRow{Op: "relu", Impl: "go", N: elems, Threads: 1, GElems: elems / secs / 1e9})
	return nil
}

// benchGemmI8 measures kernels.GemmI8 (A pre-packed, requantized int8
// output) on every int8 tier; the row's gflops field holds GOP/s.
func benchGemmI8(rng *rand.Rand, m, n, k int, threadCounts []int, budget time.Duration, emit func(kernelRow)) {
	a, b, c := make([]int8, m*k), make([]int8, k*n), make([]int8, m*n)
	for i := range a {
		a[i] = int8(rng.IntN(256) - 128)
	}
	for i := range b {
		b[i] = int8(rng.IntN(256) - 128)
	}
	mult, shift := kernels.QuantizeMultiplier(0.001)
	rq := &kernels.Requant{Bias: make([]int32, m), Multiplier: make([]int32, m), Shift: make([]int, m), Min: -128, Max: 127}
	for i := range rq.Multiplier {
		rq.Multiplier[i], rq.Shift[i] = mult, shift
	}
	ops := 2 * float64(m) * float64(n) * float64(k)
	for _, im := range kernels.Int8Tiers() {
		pa := kernels.PackA8(im, m, k, a, k)
		for _, t := range threadCounts {
			e := kernels.NewEngine(nil, t)
			e.SetInt8(im)
			secs := bestTime(budget, func() { e.GemmI8(pa, n, b, n, c, n, rq) })
			e.Close()
			emit(kernelRow{Op: "gemm_i8", Impl: im.Name, M: m, N: n, K: k, Threads: t, GFLOPS: ops / secs / 1e9})
		}
	}
}

// bestTime runs f once to warm up, then repeatedly for about budget (at
// least three times) and returns the fastest run in seconds: the figure
// least disturbed by the rest of the machine.
func bestTime(budget time.Duration, f func()) float64 {
	f()
	var runs []time.Duration
	for start := time.Now(); len(runs) < 3 || time.Since(start) < budget; {
		t := time.Now()
		f()
		runs = append(runs, time.Since(t))
	}
	return slices.Min(runs).Seconds()
}

func randomSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}
