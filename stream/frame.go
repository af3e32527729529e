package stream

import (
	"image"
	"sync/atomic"
	"time"

	"github.com/retina-edge/retina/net"
	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/detect"
	"github.com/retina-edge/retina/net/preprocess"
)

// frame is one picture on its way through the stages. It carries the buffer
// the last stage wrote (input, pyramid or head outputs) and the picture,
// which the publishing stage hands to OnFrame.
type frame struct {
	seq  uint64
	time time.Time
	rgba *image.RGBA // this slot's own picture: raw frames are converted and JPEGs decoded into it
	img  image.Image // the picture (rgba, or a new image when a frame changes size)
	geo  preprocess.Geometry

	in   *[]float32         // preprocess -> backbone (or network)
	pyr  *net.Pyramid       // backbone -> heads
	hb   *net.HeadBuffers   // heads -> postprocess
	outs []net.HeadOutput   // the head outputs in hb
	dets []detect.Detection // network+postprocess -> publish (one-stage networks)
	read bool               // holds a picture the source delivered (counted in buffers.read)
}

// Every stage boundary has two buffers, so a stage fills one while the next
// stage reads the other.
const perStage = 2

// maxFrames bounds the frames in flight: each is either in a stage or
// holds a stage buffer, of which there are perStage per boundary.
const maxFrames = 3*perStage + 1

// buffers are the pools the stages take their output buffers from and give
// their input buffers back to. Buffers grow on first use for a size and
// are reused after, so a steady stream allocates nothing.
type buffers struct {
	frames chan *frame
	inputs chan *[]float32
	pyrs   chan *net.Pyramid
	heads  chan *net.HeadBuffers
	levels []boxes.Level // the publishing stage's view of a frame's head outputs

	// read counts the frames the source delivered that have not yet come
	// back to the pool: while one is in a stage, the camera going down
	// must not end the tracks before that frame is published.
	read atomic.Int32
}

func newBuffers(split bool) *buffers {
	b := &buffers{frames: make(chan *frame, maxFrames), inputs: make(chan *[]float32, perStage)}
	for range maxFrames {
		b.frames <- &frame{}
	}
	for range perStage {
		b.inputs <- new([]float32)
	}
	if split {
		b.pyrs = make(chan *net.Pyramid, perStage)
		b.heads = make(chan *net.HeadBuffers, perStage)
		for range perStage {
			b.pyrs <- new(net.Pyramid)
			b.heads <- new(net.HeadBuffers)
		}
	}
	return b
}

// release gives back every buffer f holds, and f itself.
func (b *buffers) release(f *frame) {
	if f.read {
		b.read.Add(-1)
		f.read = false
	}
	if f.in != nil {
		b.inputs <- f.in
		f.in = nil
	}
	if f.pyr != nil {
		b.pyrs <- f.pyr
		f.pyr = nil
	}
	if f.hb != nil {
		b.heads <- f.hb
		f.hb, f.outs = nil, nil
	}
	f.img = nil
	b.frames <- f
}
