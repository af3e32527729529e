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
	"github.com/retina-edge/retina/model"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/quant"
)

// modelBench is the result of `retina bench model --json`.
type modelBench struct {
	Backbone      string  `json:"backbone"`
	Classes       int     `json:"classes"`
	Size          int     `json:"size"`
	Threads       int     `json:"threads"`
	Kernels       string  `json:"kernels"`
	Runs          int     `json:"runs"`
	MsMedian      float64 `json:"ms_median"`
	MsMin         float64 `json:"ms_min"`
	PostprocessMs float64 `json:"postprocess_ms"`
	AllocsPerRun  float64 `json:"allocs_per_run"`
	Int8          bool    `json:"int8"`
}

func runBenchModel(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench model", "bench model [--model F | --backbone resnet18|resnet34|resnet50 --classes K] [--int8] [--size S] [--threads N] [--runs N] [--json]", stderr)
	path := fs.String("model", "", "model `FILE` to time, float or int8 (default: a freshly initialised --backbone model)")
	int8 := fs.Bool("int8", false, "time the int8 model: a float model (--model or fresh) is quantized in memory, calibrated on a few synthetic images")
	backbone := fs.String("backbone", "resnet18", "backbone of the fresh model: resnet18, resnet34 or resnet50")
	classes := fs.Int("classes", 80, "class count of the fresh model")
	size := fs.Int("size", 320, "input is one preprocessed SIZE x SIZE image (a multiple of 32)")
	threads := fs.Int("threads", 1, "threads for the network")
	runs := fs.Int("runs", 10, "timed runs after three warm-up runs")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *size < 32 || *size > 4096 || *size%32 != 0:
		return usagef("--size %d: want a multiple of 32 in 32..4096", *size)
	case *threads < 1 || *threads > 1024:
		return usagef("--threads %d: want 1..1024", *threads)
	case *runs < 1 || *runs > 100000:
		return usagef("--runs %d: want 1..100000", *runs)
	case *classes < 1 || *classes > 10000:
		return usagef("--classes %d: want 1..10000", *classes)
	}
	model, err := benchNetwork(*path, *backbone, *classes, *size, *threads, *int8)
	if err != nil {
		return err
	}
	releaseLoadGarbage()
	defer model.Close()
	name := *backbone
	if *path != "" {
		name = *path
	}
	cfg := model.Config()
	post, err := boxes.NewPostprocessor(cfg.NumClasses, cfg.AnchorSizes, cfg.AspectRatios, boxes.DefaultPostprocessOptions())
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	input := make([]float32, 3**size**size)
	for i := range input {
		input[i] = rng.Float32()*4 - 2
	}
	var levels []boxes.Level
	forward := func() error {
		levels, err = model.heads(*size, *size, input)
		return err
	}
	postprocess := func() error {
		_, err := post.Run(levels, *size, *size, *size, *size, kernels.Sigmoid)
		return err
	}
	for range 3 { // warm-up: plans buffers, settles the runtime's own caches
		if err := forward(); err != nil {
			return err
		}
		if err := postprocess(); err != nil {
			return err
		}
	}
	// Collect the garbage of building the model first: a GC cycle running
	// during the timed runs would count its own bookkeeping as allocations.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fwd, pp := make([]time.Duration, 0, *runs), make([]time.Duration, 0, *runs) // no growth while counting allocations
	for i := 0; i < *runs; i++ {
		t0 := time.Now()
		if err := forward(); err != nil {
			return err
		}
		t1 := time.Now()
		if err := postprocess(); err != nil {
			return err
		}
		fwd, pp = append(fwd, t1.Sub(t0)), append(pp, time.Since(t1))
	}
	runtime.ReadMemStats(&after)
	r := modelBench{
		Backbone: name, Classes: cfg.NumClasses, Size: *size, Threads: *threads, Kernels: model.kernels, Runs: *runs, Int8: model.int8,
		MsMedian: ms(median(fwd)), MsMin: ms(slices.Min(fwd)), PostprocessMs: ms(median(pp)),
		// testing.AllocsPerRun's definition: whole allocations per run, so
		// that the runtime's own rare bookkeeping does not show as 0.3.
		AllocsPerRun: float64((after.Mallocs - before.Mallocs) / uint64(*runs)),
	}
	if *asJSON {
		b, _ := json.Marshal(r)
		fmt.Fprintln(stdout, string(b))
		return nil
	}
	kind := "float"
	if r.Int8 {
		kind = "int8"
	}
	fmt.Fprintf(stdout, "%s (%s), %s, %dx%d, %s, %s kernels, %s\n", r.Backbone, kind, count(r.Classes, "class", "classes"), r.Size, r.Size, count(r.Threads, "thread", "threads"), r.Kernels, count(r.Runs, "run", "runs"))
	fmt.Fprintf(stdout, "backbone+FPN+heads: median %.1f ms, min %.1f ms; postprocess: median %.2f ms; %.1f allocations per run\n",
		r.MsMedian, r.MsMin, r.PostprocessMs, r.AllocsPerRun)
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchNet is the network bench model times: float or int8.
type benchNet struct {
	heads   func(h, w int, input []float32) ([]boxes.Level, error)
	config  func() net.Config
	close   func()
	kernels string
	int8    bool
}

func (b *benchNet) Config() net.Config { return b.config() }
func (b *benchNet) Close()             { b.close() }

// benchCalibImages is how many synthetic images calibrate a model that
// --int8 quantizes in memory: enough for plausible ranges, and quick.
const benchCalibImages = 4

// benchNetwork loads --model (float or int8) or builds a fresh --backbone
// model; with int8, a float model is quantized in memory.
func benchNetwork(path, backbone string, classes, size, threads int, int8 bool) (*benchNet, error) {
	var cfg net.Config
	var weights map[string]net.Param
	if path != "" {
		any, err := model.LoadFile(path, threads)
		if err != nil {
			return nil, err
		}
		if any.Int8 != nil {
			return int8Bench(any.Int8), nil
		}
		if !int8 {
			return floatBench(any.Float), nil
		}
		any.Close()
		if cfg, weights, err = net.ReadModelFile(path); err != nil {
			return nil, err
		}
	} else {
		var ok bool
		if cfg, ok = net.ResNetConfig(backbone, classes); !ok {
			return nil, usagef("--backbone %q: want resnet18, resnet34 or resnet50", backbone)
		}
		if !int8 {
			// Drawn tensor by tensor as it is packed: the unpacked weights are
			// never all in memory.
			m, err := net.NewInitializedModel(cfg, 1, threads)
			if err != nil {
				return nil, err
			}
			return floatBench(m), nil
		}
		var err error
		if weights, err = net.InitialWeights(cfg, 1); err != nil {
			return nil, err
		}
	}
	// Calibrate at the benchmark's size: synthetic images preprocessed to
	// size x size, the shape every timed run has.
	cfg.MinSize, cfg.MaxSize = size, size
	set, err := openCalibSet("synth", "", benchCalibImages, size)
	if err != nil {
		return nil, err
	}
	m, _, err := calibrate(cfg, weights, set, quant.RuleMinMax, threads, nil)
	if err != nil {
		return nil, err
	}
	return int8Bench(m), nil
}

func floatBench(m *net.Model) *benchNet {
	var levels []boxes.Level
	heads := func(h, w int, input []float32) ([]boxes.Level, error) {
		out, err := m.Forward(1, h, w, input)
		if err != nil {
			return nil, err
		}
		levels = levels[:0]
		for _, o := range out {
			levels = append(levels, boxes.Level{Logits: o.ClassLogits.Image(0), Deltas: o.BoxDeltas.Image(0),
				H: o.ClassLogits.H(), W: o.ClassLogits.W()})
		}
		return levels, nil
	}
	return &benchNet{heads: heads, config: m.Config, close: m.Close, kernels: m.Kernels().Name}
}

func int8Bench(m *quant.Model) *benchNet {
	return &benchNet{heads: m.Heads, config: m.Config, close: m.Close, kernels: m.Kernels().Name, int8: true}
}
