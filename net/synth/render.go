package synth

import (
	"image"
	"math"
	"math/rand/v2"

	"github.com/retina-edge/retina/net/dataset"
)

// minVisible is the visible fraction below which a shape is marked crowd.
const minVisible = 0.4

// placed is one drawn shape before visibility is known.
type placed struct {
	class int
	total int // pixels painted when it was drawn
}

// Render draws image number index of the dataset opts describes and returns
// it with its objects (boxes tight to the visible pixels). It depends only
// on opts.Seed, opts.Size, opts.MaxObjects, the classes and index.
func Render(opts Options, index int) (*image.RGBA, []dataset.Object, error) {
	opts, classes, err := opts.resolve()
	if err != nil {
		return nil, nil, err
	}
	img, objs, _ := render(opts, classes, index)
	return img, objs, nil
}

// render also returns the owner map: per pixel, the index of the topmost
// shape covering it, or -1.
func render(opts Options, classes []int, index int) (*image.RGBA, []dataset.Object, []int16) {
	n := opts.Size
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(index)))
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	background(img, rng)
	clutter(img, rng)
	owner := make([]int16, n*n)
	for i := range owner {
		owner[i] = -1
	}
	var shapes []placed
	count := rng.IntN(opts.MaxObjects + 1)
	minSide, maxSide := 12.0, 0.9*float64(n)
	for k := 0; k < count; k++ {
		class := classes[rng.IntN(len(classes))]
		poly := outline(ShapeNames[class])
		// Log-uniform size: as many small as large shapes.
		side := minSide * math.Exp(rng.Float64()*math.Log(maxSide/minSide))
		r := side / 2
		rot := 0.0
		if rng.IntN(2) == 0 {
			rot = rng.Float64() * 2 * math.Pi
		}
		ext := r * reach(poly)
		if ext > float64(n)/2 {
			r *= float64(n) / 2 / ext
			ext = float64(n) / 2
		}
		cx := ext + rng.Float64()*(float64(n)-2*ext)
		cy := ext + rng.Float64()*(float64(n)-2*ext)
		painted := fillRotated(img, poly, cx, cy, r, rot, texture(rng), owner, int16(len(shapes)))
		shapes = append(shapes, placed{class: class, total: painted})
	}
	return img, boxes(shapes, owner, n), owner
}

// boxes measures what is left visible of each shape.
func boxes(shapes []placed, owner []int16, n int) []dataset.Object {
	type extent struct {
		x1, y1, x2, y2, visible int
	}
	ext := make([]extent, len(shapes))
	for i := range ext {
		ext[i] = extent{x1: n, y1: n, x2: -1, y2: -1}
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			o := owner[y*n+x]
			if o < 0 {
				continue
			}
			e := &ext[o]
			e.x1, e.y1 = min(e.x1, x), min(e.y1, y)
			e.x2, e.y2 = max(e.x2, x), max(e.y2, y)
			e.visible++
		}
	}
	var objs []dataset.Object
	for i, s := range shapes {
		e := ext[i]
		if e.visible == 0 || s.total == 0 {
			continue
		}
		box := [4]float32{float32(e.x1), float32(e.y1), float32(e.x2 + 1), float32(e.y2 + 1)}
		objs = append(objs, dataset.Object{
			Box:   box,
			Class: s.class,
			Crowd: float64(e.visible) < minVisible*float64(s.total),
			Area:  float32(e.visible),
		})
	}
	return objs
}
