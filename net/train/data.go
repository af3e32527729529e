package train

import (
	"fmt"
	"image"
	"image/draw"
	"math"
	"math/rand/v2"

	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/preprocess"
)

// DataOptions steer how dataset samples become training batches.
//
// Each sample is decoded, cropped and flipped (dataset.Augment with its
// crop and flip settings), then resized by the model's min/max rule (the one
// inference uses, so training and detection see objects at the same scale)
// with both limits multiplied by a scale jitter drawn from
// Augment.ScaleMin..ScaleMax, normalised with Mean/Std and zero-padded to a
// multiple of 32; a batch pads its images to the largest of them. Targets
// are the boxes in resized pixels, crowd objects dropped, with each
// object's Score (a teacher's confidence) as its soft target.
//
// Everything random comes from Seed, the epoch and the sample's index, so a
// given (Seed, epoch) always yields the same batches: that is what makes
// --resume exact. The last batch of an epoch is smaller when the batch size
// does not divide the dataset.
type DataOptions struct {
	BatchSize        int
	MinSize, MaxSize int // the model's resize rule (Config.MinSize, MaxSize)
	Mean, Std        [3]float32
	Augment          dataset.AugmentOptions
	Seed             uint64
	// Workers is the number of goroutines decoding and augmenting ahead of
	// the step (< 1: 1).
	Workers int
	// MaxPixels bounds a decoded image (0: 64 megapixels).
	MaxPixels int
}

const defaultMaxPixels = 64 << 20

// Loader makes the batches of one dataset.
type Loader struct {
	ds   *dataset.Dataset
	opts DataOptions
}

// NewLoader checks the options against the dataset.
func NewLoader(ds *dataset.Dataset, opts DataOptions) (*Loader, error) {
	if ds == nil || len(ds.Samples) == 0 {
		return nil, fmt.Errorf("train: the training set has no images")
	}
	if opts.BatchSize < 1 || opts.BatchSize > 4096 {
		return nil, fmt.Errorf("train: batch size %d: want 1..4096", opts.BatchSize)
	}
	if opts.MinSize < 32 || opts.MaxSize < opts.MinSize || opts.MaxSize > 8192 {
		return nil, fmt.Errorf("train: resize rule min %d / max %d: want 32 <= min <= max <= 8192", opts.MinSize, opts.MaxSize)
	}
	a := opts.Augment
	if a.ScaleMin == 0 && a.ScaleMax == 0 {
		a.ScaleMin, a.ScaleMax = 1, 1
	}
	if !(a.ScaleMin > 0 && a.ScaleMin <= a.ScaleMax && a.ScaleMax <= 4) {
		return nil, fmt.Errorf("train: scale jitter %g..%g: want 0 < min <= max <= 4", a.ScaleMin, a.ScaleMax)
	}
	if !(a.FlipProb >= 0 && a.FlipProb <= 1 && a.CropProb >= 0 && a.CropProb <= 1) {
		return nil, fmt.Errorf("train: flip probability %g and crop probability %g must be in [0, 1]", a.FlipProb, a.CropProb)
	}
	if a.CropProb > 0 && !(a.MinCropFrac > 0 && a.MinCropFrac <= 1 && a.MinKept >= 0 && a.MinKept <= 1) {
		return nil, fmt.Errorf("train: crop fraction %g and kept fraction %g must be in (0, 1] and [0, 1]", a.MinCropFrac, a.MinKept)
	}
	opts.Augment = a
	if opts.Workers < 1 {
		opts.Workers = 1
	}
	if opts.MaxPixels <= 0 {
		opts.MaxPixels = defaultMaxPixels
	}
	return &Loader{ds: ds, opts: opts}, nil
}

// Len is the number of batches per epoch.
func (l *Loader) Len() int {
	return (len(l.ds.Samples) + l.opts.BatchSize - 1) / l.opts.BatchSize
}

// Images is the number of samples per epoch.
func (l *Loader) Images() int { return len(l.ds.Samples) }

// Order is epoch's shuffle of the sample indices.
func (l *Loader) Order(epoch int) []int {
	return rand.New(rand.NewPCG(l.opts.Seed, 0x5eed0000_00000000|uint64(epoch))).Perm(len(l.ds.Samples))
}

// sampleRNG is the augmentation randomness of one sample in one epoch.
func (l *Loader) sampleRNG(epoch, sample int) *rand.Rand {
	return rand.New(rand.NewPCG(l.opts.Seed^0x9e3779b97f4a7c15, uint64(epoch)<<32|uint64(uint32(sample))))
}

// Batch builds batch index of epoch (0 <= index < Len()).
func (l *Loader) Batch(epoch, index int, order []int) (*Batch, error) {
	lo := index * l.opts.BatchSize
	hi := min(lo+l.opts.BatchSize, len(order))
	if index < 0 || lo >= hi {
		return nil, fmt.Errorf("train: batch %d out of range 0..%d", index, l.Len()-1)
	}
	imgs := make([]preparedImage, hi-lo)
	errs := make([]error, hi-lo)
	forEachParallel(hi-lo, l.opts.Workers, func(i int) {
		imgs[i], errs[i] = l.prepare(epoch, order[lo+i])
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return assemble(imgs), nil
}

// preparedImage is one sample as a padded CHW tensor with its targets.
type preparedImage struct {
	geo     preprocess.Geometry
	tensor  []float32
	targets []Target
}

func (l *Loader) prepare(epoch, idx int) (preparedImage, error) {
	s := l.ds.Samples[idx]
	img, err := decodeRGBA(s, l.opts.MaxPixels)
	if err != nil {
		return preparedImage{}, err
	}
	rng := l.sampleRNG(epoch, idx)
	a := l.opts.Augment
	jitter := a.ScaleMin + rng.Float64()*(a.ScaleMax-a.ScaleMin)
	a.ScaleMin, a.ScaleMax = 1, 1 // the jitter goes into the resize rule below
	img, objs := dataset.Augment(img, s.Boxes, a, rng)

	w, h := img.Rect.Dx(), img.Rect.Dy()
	minSize := max(1, int(math.Round(float64(l.opts.MinSize)*jitter)))
	maxSize := max(1, int(math.Round(float64(l.opts.MaxSize)*jitter)))
	rw, rh := preprocess.ResizedSize(w, h, minSize, maxSize)
	if rw < 1 || rh < 1 {
		return preparedImage{}, fmt.Errorf("%s: a %dx%d image resizes to nothing", s.ImagePath, w, h)
	}
	pw, ph := preprocess.PaddedSize(rw, rh)
	pp := preprocess.NewPreprocessor(minSize, maxSize, l.opts.Mean, l.opts.Std)
	tensor := make([]float32, 3*pw*ph)
	geo, err := pp.RunFixed(img, rw, rh, tensor)
	if err != nil {
		return preparedImage{}, fmt.Errorf("%s: %w", s.ImagePath, err)
	}
	sx, sy := float32(rw)/float32(w), float32(rh)/float32(h)
	var targets []Target
	for _, o := range objs {
		if o.Crowd {
			continue
		}
		b := [4]float32{o.Box[0] * sx, o.Box[1] * sy, o.Box[2] * sx, o.Box[3] * sy}
		if b[2] > b[0] && b[3] > b[1] {
			targets = append(targets, Target{Box: b, Class: o.Class, Score: o.Score})
		}
	}
	return preparedImage{geo: geo, tensor: tensor, targets: targets}, nil
}

// decodeRGBA reads a sample's image and checks it against its annotation.
func decodeRGBA(s dataset.Sample, maxPixels int) (*image.RGBA, error) {
	src, err := preprocess.DecodeFile(s.ImagePath, maxPixels)
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	if b.Dx() != s.Width || b.Dy() != s.Height {
		return nil, fmt.Errorf("%s: the image is %dx%d but its annotation says %dx%d", s.ImagePath, b.Dx(), b.Dy(), s.Width, s.Height)
	}
	if rgba, ok := src.(*image.RGBA); ok && b.Min == (image.Point{}) {
		return rgba, nil
	}
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
	return dst, nil
}

// assemble pads the images into one N x 3 x H x W batch, top-left aligned.
func assemble(imgs []preparedImage) *Batch {
	h, w := 0, 0
	for _, im := range imgs {
		h, w = max(h, im.geo.PaddedH), max(w, im.geo.PaddedW)
	}
	b := &Batch{N: len(imgs), H: h, W: w, Images: make([]float32, len(imgs)*3*h*w)}
	for i, im := range imgs {
		pw, ph := im.geo.PaddedW, im.geo.PaddedH
		for c := range 3 {
			for y := range ph {
				dst := b.Images[((i*3+c)*h+y)*w:]
				copy(dst[:pw], im.tensor[(c*ph+y)*pw:(c*ph+y+1)*pw])
			}
		}
		b.ImageSizes = append(b.ImageSizes, [2]int{im.geo.ResizedH, im.geo.ResizedW})
		b.Targets = append(b.Targets, im.targets)
	}
	return b
}

// forEachParallel runs f(0..n-1) on up to workers goroutines.
func forEachParallel(n, workers int, f func(i int)) {
	if workers <= 1 || n <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	next := make(chan int)
	done := make(chan struct{})
	for range min(workers, n) {
		go func() {
			for i := range next {
				f(i)
			}
			done <- struct{}{}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	for range min(workers, n) {
		<-done
	}
}
