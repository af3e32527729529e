package stream

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/retina-edge/retina/camera"
	"github.com/retina-edge/retina/internal/cputime"
	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/detect"
)

// BenchmarkPipelineFrame steps one frame at a time through the split
// pipeline (capture with the latest-frame policy, preprocess, backbone+FPN,
// heads, postprocess): allocs/op is per frame, over every goroutine.
func BenchmarkPipelineFrame(b *testing.B) {
	benchmarkSteps(b, startStepper(b, turns, true))
}

// benchmarkSteps warms the pipeline up (every slot and buffer used once),
// then times b.N frames, reporting allocations per frame.
func benchmarkSteps(b *testing.B, s *stepper) {
	for range 2 * maxFrames {
		s.step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.step()
	}
}

// BenchmarkPipelineFrameMJPEG is BenchmarkPipelineFrame on Motion-JPEG
// frames (160x120), decoded in the capture stage.
func BenchmarkPipelineFrameMJPEG(b *testing.B) {
	benchmarkSteps(b, startStepperOn(b, newMJPEGSource(b, "160x120", 3), turns, true))
}

// BenchmarkThroughputResNet18 compares the pipeline's frame rate with
// back-to-back detection (convert, detect, one frame after the other) on
// the same 640x480 frames: RetinaNet ResNet-18-FPN, 80 classes, 320 px, two
// threads, the network stages taking turns. The two alternate in rounds of
// throughputRound frames, so that a change in the machine's load hits both;
// each round's rate runs from its first frame's result to its last (planning
// and pipeline fill excluded). -benchtime=Nx runs about N frames each way.
// "ratio" is pipeline fps over back-to-back fps (goal >= 0.95); cpu-ms are
// process CPU per frame.
func BenchmarkThroughputResNet18(b *testing.B) {
	cfg, _ := net.ResNetConfig("resnet18", 80)
	benchmarkThroughput(b, cfg, 320, 2, 2, 0)
}

// BenchmarkThroughputResNet18Overlap1x1: the backbone+FPN and the heads
// each on one thread of their own, overlapping (back to back on two).
func BenchmarkThroughputResNet18Overlap1x1(b *testing.B) {
	cfg, _ := net.ResNetConfig("resnet18", 80)
	benchmarkThroughput(b, cfg, 320, 2, 1, 1)
}

const throughputRound = 6

func benchmarkThroughput(b *testing.B, cfg net.Config, size, threads, pipeThreads, headThreads int) {
	m, err := net.NewInitializedModel(cfg, 1, threads)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	pm := m
	if pipeThreads != threads {
		if pm, err = net.NewInitializedModel(cfg, 1, pipeThreads); err != nil {
			b.Fatal(err)
		}
		defer pm.Close()
	}
	opts := detect.DefaultOptions()
	opts.MinSize, opts.MaxSize = size, size
	det, err := detect.New(m, opts)
	if err != nil {
		b.Fatal(err)
	}
	src := openPattern(b, "640x480", 0)
	rgba := image.NewRGBA(image.Rect(0, 0, 640, 480))
	b.ResetTimer()
	var last *Pipeline
	var seq, pipe struct {
		intervals float64
		wall, cpu time.Duration
	}
	for range max(1, b.N/throughputRound) {
		// Back to back.
		var start time.Time
		var cpu time.Duration
		for i := range throughputRound {
			f, err := src.Read(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			err = camera.ConvertToRGBA(rgba, f, camera.FullRange)
			f.Release()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := det.Detect(rgba); err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				start, cpu = time.Now(), cputime.Process()
			}
		}
		seq.intervals += throughputRound - 1
		seq.wall += time.Since(start)
		seq.cpu += cputime.Process() - cpu

		// The pipeline (the model is free again: Detect has returned).
		var first time.Time
		sink := &countSink{t: b}
		sink.each = func(r *Result) {
			if sink.seen == 1 {
				first, cpu = time.Now(), cputime.Process()
			}
		}
		p, err := New(&limitSource{Source: src, n: throughputRound}, pm, []Sink{sink},
			Options{Detect: opts, HeadThreads: headThreads})
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		// Run returns right after the last frame is published.
		pipe.wall += time.Since(first)
		pipe.cpu += cputime.Process() - cpu
		pipe.intervals += throughputRound - 1
		last = p
	}
	for _, st := range last.Stats().Stages {
		b.Logf("stage %-13s %7.1f ms per frame", st.Name, float64(st.Mean())/1e6)
	}
	seqFPS := seq.intervals / seq.wall.Seconds()
	pipeFPS := pipe.intervals / pipe.wall.Seconds()
	b.ReportMetric(seqFPS, "seq-fps")
	b.ReportMetric(pipeFPS, "pipe-fps")
	b.ReportMetric(pipeFPS/seqFPS, "ratio")
	b.ReportMetric(float64(seq.cpu.Microseconds())/1e3/seq.intervals, "seq-cpu-ms")
	b.ReportMetric(float64(pipe.cpu.Microseconds())/1e3/pipe.intervals, "pipe-cpu-ms")
}

// BenchmarkPipelineFrameEvents is BenchmarkPipelineFrameMJPEG with
// tracking, events and a snapshot saver on, in a steady scene (one picture
// over and over; the test model finds 300 objects in it at score 0.05):
// allocs/op must stay 0.
func BenchmarkPipelineFrameEvents(b *testing.B) {
	benchmarkSteps(b, startStepperWith(b, newMJPEGSource(b, "160x120", 1), turns, eventOptions(b)))
}
