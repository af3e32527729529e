package boxes

import (
	"fmt"
	"math"
)

// PostprocessOptions are RetinaNet's postprocess parameters.
type PostprocessOptions struct {
	// ScoreThresh keeps scores > ScoreThresh, compared in float32 as torch
	// compares a float32 tensor with a Python float (0.05).
	ScoreThresh float32
	// NMSThresh drops a box whose IoU with a kept box of its class is >
	// NMSThresh; float64 because torchvision's nms compares in double (0.5).
	NMSThresh float64
	// TopK is the number of candidates kept per level (1000).
	TopK int
	// MaxDetections is the number of detections kept per image (300).
	MaxDetections int
}

// DefaultPostprocessOptions are torchvision's RetinaNet defaults.
func DefaultPostprocessOptions() PostprocessOptions {
	return PostprocessOptions{ScoreThresh: 0.05, NMSThresh: 0.5, TopK: 1000, MaxDetections: 300}
}

// Level is one pyramid level's raw head output for one image in retina's
// NCHW layout: Logits is (A*K) x H x W (channel a*K+k), Deltas is
// (A*4) x H x W (channel a*4+j).
type Level struct {
	Logits, Deltas []float32
	H, W           int
}

// Postprocessor turns head outputs into detections like torchvision's
// RetinaNet.postprocess_detections. It owns reusable buffers: in steady
// state Run allocates nothing. It is not safe for concurrent use.
type Postprocessor struct {
	numClasses int
	perCell    int     // anchors per cell, A
	base       [][]Box // zero-centred anchors per level
	opts       PostprocessOptions

	chunkLogits []float32
	chunkIdx    []int
	chunkScores []float32
	pending     int // queued in chunkLogits/chunkIdx
	top         topK

	boxes   []Box
	scores  []float32
	classes []int
	nms     Suppressor
	keep    []int
	dets    []Detection
}

// scoreMargin is how far below a score threshold the logit prefilter lets
// values through to the exact sigmoid: far more than any sigmoid's error
// (kernels.Sigmoid is within 1e-6), so prefiltering never changes the set.
const scoreMargin = 1e-4

// chunk is how many prefiltered logits go to one sigmoid call.
const chunk = 512

// NewPostprocessor checks the model's anchor configuration (sizes per level
// P3.., aspect ratios h/w) and the options.
func NewPostprocessor(numClasses int, anchorSizes [][]int, aspectRatios []float64, opts PostprocessOptions) (*Postprocessor, error) {
	if numClasses < 1 {
		return nil, fmt.Errorf("boxes: %d classes, want at least 1", numClasses)
	}
	if len(anchorSizes) == 0 || len(aspectRatios) == 0 {
		return nil, fmt.Errorf("boxes: need anchor sizes for at least one level and at least one aspect ratio")
	}
	for l, sizes := range anchorSizes {
		if len(sizes) != len(anchorSizes[0]) {
			return nil, fmt.Errorf("boxes: level %d has %d anchor sizes, level 0 has %d: the shared head needs the same count", l, len(sizes), len(anchorSizes[0]))
		}
		for _, s := range sizes {
			if s <= 0 || s > 1<<20 {
				return nil, fmt.Errorf("boxes: level %d: anchor size %d out of range", l, s)
			}
		}
	}
	for _, r := range aspectRatios {
		if !(r > 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("boxes: aspect ratio %v is not a positive number", r)
		}
	}
	if opts.ScoreThresh != opts.ScoreThresh || math.IsNaN(opts.NMSThresh) {
		return nil, fmt.Errorf("boxes: NaN threshold in %+v", opts)
	}
	if opts.TopK < 1 || opts.MaxDetections < 1 {
		return nil, fmt.Errorf("boxes: TopK %d and MaxDetections %d must be at least 1", opts.TopK, opts.MaxDetections)
	}
	p := &Postprocessor{
		numClasses:  numClasses,
		perCell:     len(anchorSizes[0]) * len(aspectRatios),
		opts:        opts,
		chunkLogits: make([]float32, chunk),
		chunkIdx:    make([]int, chunk),
		chunkScores: make([]float32, chunk),
	}
	for _, sizes := range anchorSizes {
		p.base = append(p.base, BaseAnchors(sizes, aspectRatios))
	}
	return p, nil
}

// AnchorsPerCell is A, the anchors at each feature-map position.
func (p *Postprocessor) AnchorsPerCell() int { return p.perCell }

// Run returns the detections of one image, best first: boxes in the resized
// image's coordinates clipped to imageW x imageH (the resized, unpadded
// size), anchors laid on the padded paddedW x paddedH image. sigmoid is the
// vector sigmoid (kernels.Sigmoid); it must be within 1e-4 of the true one.
// The returned slice is reused by the next Run.
func (p *Postprocessor) Run(levels []Level, imageW, imageH, paddedW, paddedH int, sigmoid func(dst, src []float32)) ([]Detection, error) {
	if err := p.check(levels, imageW, imageH, paddedW, paddedH); err != nil {
		return nil, err
	}
	p.boxes, p.scores, p.classes = p.boxes[:0], p.scores[:0], p.classes[:0]
	for l, lv := range levels {
		p.selectLevel(lv, sigmoid)
		strideW, strideH := paddedW/lv.W, paddedH/lv.H
		a, k, hw := p.perCell, p.numClasses, lv.H*lv.W
		for _, c := range p.top.sorted() {
			anchorIdx, class := c.idx/k, c.idx%k
			cell, ai := anchorIdx/a, anchorIdx%a
			y, x := cell/lv.W, cell%lv.W
			var d [4]float32
			for j := range d {
				d[j] = lv.Deltas[(ai*4+j)*hw+cell]
			}
			anchor := shiftAnchor(p.base[l][ai], x*strideW, y*strideH)
			p.boxes = append(p.boxes, ClipToImage(Decode(d, anchor), imageW, imageH))
			p.scores = append(p.scores, c.score)
			p.classes = append(p.classes, class)
		}
	}
	p.keep = p.nms.BatchedNMS(p.boxes, p.scores, p.classes, p.opts.NMSThresh, p.keep)
	if len(p.keep) > p.opts.MaxDetections {
		p.keep = p.keep[:p.opts.MaxDetections]
	}
	p.dets = p.dets[:0]
	for _, i := range p.keep {
		p.dets = append(p.dets, Detection{Box: p.boxes[i], Score: p.scores[i], Class: p.classes[i]})
	}
	return p.dets, nil
}

func (p *Postprocessor) check(levels []Level, imageW, imageH, paddedW, paddedH int) error {
	if len(levels) != len(p.base) {
		return fmt.Errorf("boxes: %d levels of head output, the anchor configuration has %d", len(levels), len(p.base))
	}
	if imageW < 1 || imageH < 1 || imageW > paddedW || imageH > paddedH {
		return fmt.Errorf("boxes: image %dx%d does not fit the padded size %dx%d", imageW, imageH, paddedW, paddedH)
	}
	for l, lv := range levels {
		if lv.H < 1 || lv.W < 1 || lv.H > paddedH || lv.W > paddedW {
			return fmt.Errorf("boxes: level %d: feature map %dx%d (HxW) does not fit the padded image %dx%d", l, lv.H, lv.W, paddedH, paddedW)
		}
		hw := lv.H * lv.W
		if want := p.perCell * p.numClasses * hw; len(lv.Logits) != want {
			return fmt.Errorf("boxes: level %d: %d logits, want A*K*H*W = %d*%d*%d*%d = %d", l, len(lv.Logits), p.perCell, p.numClasses, lv.H, lv.W, want)
		}
		if want := p.perCell * 4 * hw; len(lv.Deltas) != want {
			return fmt.Errorf("boxes: level %d: %d box deltas, want A*4*H*W = %d*4*%d*%d = %d", l, len(lv.Deltas), p.perCell, lv.H, lv.W, want)
		}
	}
	return nil
}

// selectLevel fills p.top with the level's TopK best scores above the
// threshold. Only logits above the threshold's logit (less a margin) get a
// sigmoid; once the top-k is full the bar rises to its worst kept score.
func (p *Postprocessor) selectLevel(lv Level, sigmoid func(dst, src []float32)) {
	p.top.reset(p.opts.TopK)
	p.pending = 0
	bar := logit(float64(p.opts.ScoreThresh) - scoreMargin)
	a, k, hw := p.perCell, p.numClasses, lv.H*lv.W
	for ch := range a * k {
		ai, class := ch/k, ch%k
		plane := lv.Logits[ch*hw : (ch+1)*hw]
		// Eight at a time: almost all logits are below the bar, and one
		// branch per eight is what makes this scan memory-bound.
		cell := 0
		for ; cell+8 <= len(plane); cell += 8 {
			v := plane[cell : cell+8 : cell+8]
			if v[0] > bar || v[1] > bar || v[2] > bar || v[3] > bar || v[4] > bar || v[5] > bar || v[6] > bar || v[7] > bar {
				for j, x := range v {
					if x > bar {
						bar = p.push(x, ((cell+j)*a+ai)*k+class, bar, sigmoid)
					}
				}
			}
		}
		for ; cell < len(plane); cell++ {
			if x := plane[cell]; x > bar {
				bar = p.push(x, (cell*a+ai)*k+class, bar, sigmoid)
			}
		}
	}
	p.flush(bar, sigmoid)
}

// push queues a logit that passed the bar; a full queue is flushed.
func (p *Postprocessor) push(x float32, idx int, bar float32, sigmoid func(dst, src []float32)) float32 {
	p.chunkLogits[p.pending] = x
	p.chunkIdx[p.pending] = idx
	p.pending++
	if p.pending == chunk {
		bar = p.flush(bar, sigmoid)
	}
	return bar
}

// flush scores the pending logits, offers those above the threshold to the
// top-k and returns the new prefilter bar.
func (p *Postprocessor) flush(bar float32, sigmoid func(dst, src []float32)) float32 {
	n := p.pending
	p.pending = 0
	if n == 0 {
		return bar
	}
	sigmoid(p.chunkScores[:n], p.chunkLogits[:n])
	floor := p.opts.ScoreThresh
	for i, s := range p.chunkScores[:n] {
		if s > floor || (s == floor && s > p.opts.ScoreThresh) {
			p.top.offer(candidate{score: s, idx: p.chunkIdx[i]})
			if p.top.full() {
				floor = p.top.worst().score // below it nothing gets in
			}
		}
	}
	if p.top.full() {
		if b := logit(float64(p.top.worst().score) - scoreMargin); b > bar {
			bar = b
		}
	}
	return bar
}

// logit is the inverse sigmoid as a float32 bar, -Inf for p <= 0 and +Inf
// for p >= 1.
func logit(p float64) float32 {
	switch {
	case p <= 0:
		return float32(math.Inf(-1))
	case p >= 1:
		return float32(math.Inf(1))
	}
	return float32(math.Log(p / (1 - p)))
}
