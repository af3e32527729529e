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
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
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
}

func runBenchModel(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench model", "bench model [--model F | --backbone resnet18|resnet34|resnet50 --classes K] [--size S] [--threads N] [--runs N] [--json]", stderr)
	path := fs.String("model", "", "model `FILE` to time (default: a freshly initialised --backbone model)")
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
	var model *net.Model
	var err error
	name := *backbone
	if *path != "" {
		model, err = net.LoadModelFile(*path, *threads)
		name = *path
	} else {
		cfg, ok := net.ResNetConfig(*backbone, *classes)
		if !ok {
			return usagef("--backbone %q: want resnet18, resnet34 or resnet50", *backbone)
		}
		model, err = net.NewInitializedModel(cfg, 1, *threads)
	}
	if err != nil {
		return err
	}
	defer model.Close()
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
		heads, err := model.Forward(1, *size, *size, input)
		if err != nil {
			return err
		}
		levels = levels[:0]
		for _, h := range heads {
			levels = append(levels, boxes.Level{Logits: h.ClassLogits.Image(0), Deltas: h.BoxDeltas.Image(0),
				H: h.ClassLogits.H(), W: h.ClassLogits.W()})
		}
		return nil
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
		Backbone: name, Classes: cfg.NumClasses, Size: *size, Threads: *threads, Kernels: model.Kernels().Name, Runs: *runs,
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
	fmt.Fprintf(stdout, "%s, %d classes, %dx%d, %d threads, %s kernels, %d runs\n", r.Backbone, r.Classes, r.Size, r.Size, r.Threads, r.Kernels, r.Runs)
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
