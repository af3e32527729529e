package synth

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// hsv converts hue [0,1), saturation and value [0,1] to RGB.
func hsv(h, s, v float64) color.RGBA {
	h = math.Mod(h, 1) * 6
	i := math.Floor(h)
	f := h - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	var r, g, b float64
	switch int(i) {
	case 0:
		r, g, b = v, t, p
	case 1:
		r, g, b = q, v, p
	case 2:
		r, g, b = p, v, t
	case 3:
		r, g, b = p, q, v
	case 4:
		r, g, b = t, p, v
	default:
		r, g, b = v, p, q
	}
	return color.RGBA{uint8(r*255 + .5), uint8(g*255 + .5), uint8(b*255 + .5), 255}
}

// background paints a gradient between two muted colours with noise.
func background(img *image.RGBA, rng *rand.Rand) {
	n := img.Rect.Dx()
	c0 := hsv(rng.Float64(), rng.Float64()*0.35, 0.25+rng.Float64()*0.6)
	c1 := hsv(rng.Float64(), rng.Float64()*0.35, 0.25+rng.Float64()*0.6)
	angle := rng.Float64() * 2 * math.Pi
	dx, dy := math.Cos(angle), math.Sin(angle)
	noise := 4 + rng.Float64()*14
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			t := ((float64(x)-float64(n)/2)*dx+(float64(y)-float64(n)/2)*dy)/float64(n) + 0.5
			t = math.Min(math.Max(t, 0), 1)
			e := rng.NormFloat64() * noise
			i := img.PixOffset(x, y)
			img.Pix[i+0] = clamp8(lerp(c0.R, c1.R, t) + e)
			img.Pix[i+1] = clamp8(lerp(c0.G, c1.G, t) + e)
			img.Pix[i+2] = clamp8(lerp(c0.B, c1.B, t) + e)
			img.Pix[i+3] = 255
		}
	}
}

func lerp(a, b uint8, t float64) float64 { return float64(a)*(1-t) + float64(b)*t }

func clamp8(v float64) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + .5)
}

// clutter draws things that are not objects: straight lines, wavy curves
// and irregular splotches.
func clutter(img *image.RGBA, rng *rand.Rand) {
	n := float64(img.Rect.Dx())
	for i := rng.IntN(8); i > 0; i-- {
		c := hsv(rng.Float64(), rng.Float64(), 0.2+rng.Float64()*0.8)
		w := 0.5 + rng.Float64()*1.5
		x0, y0, x1, y1 := rng.Float64()*n, rng.Float64()*n, rng.Float64()*n, rng.Float64()*n
		steps := int(math.Hypot(x1-x0, y1-y0)) + 1
		for s := 0; s <= steps; s++ {
			t := float64(s) / float64(steps)
			disc(img, x0+(x1-x0)*t, y0+(y1-y0)*t, w, c)
		}
	}
	for i := rng.IntN(4); i > 0; i-- {
		c := hsv(rng.Float64(), rng.Float64()*0.7, 0.2+rng.Float64()*0.8)
		w := 0.5 + rng.Float64()
		x0, y0 := rng.Float64()*n, rng.Float64()*n
		amp, freq, dir := 3+rng.Float64()*n/10, 0.02+rng.Float64()*0.1, rng.Float64()*2*math.Pi
		length := n * (0.2 + rng.Float64()*0.6)
		for s := 0.0; s < length; s += 0.5 {
			off := amp * math.Sin(s*freq)
			disc(img, x0+s*math.Cos(dir)-off*math.Sin(dir), y0+s*math.Sin(dir)+off*math.Cos(dir), w, c)
		}
	}
	for i := rng.IntN(3); i > 0; i-- {
		// An irregular polygon: jagged radii, so it matches no class.
		c := hsv(rng.Float64(), rng.Float64()*0.3, 0.2+rng.Float64()*0.7)
		k := 7 + rng.IntN(6)
		r := n * (0.03 + rng.Float64()*0.12)
		poly := make([]point, k)
		for j := range poly {
			a := 2 * math.Pi * (float64(j) + rng.Float64()*0.5) / float64(k)
			rr := 0.35 + rng.Float64()*0.65
			poly[j] = point{rr * math.Cos(a), rr * math.Sin(a)}
		}
		cx, cy := rng.Float64()*n, rng.Float64()*n
		fillPoly(img, poly, cx, cy, r, func(int, int) color.RGBA { return c }, nil, 0)
	}
}

// disc paints a filled circle of radius r.
func disc(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	b := img.Rect
	for y := max(int(cy-r), b.Min.Y); y <= min(int(cy+r), b.Max.Y-1); y++ {
		for x := max(int(cx-r), b.Min.X); x <= min(int(cx+r), b.Max.X-1); x++ {
			if dx, dy := float64(x)+.5-cx, float64(y)+.5-cy; dx*dx+dy*dy <= r*r {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// fillPoly is fillRotated without rotation.
func fillPoly(img *image.RGBA, poly []point, cx, cy, r float64, fill func(x, y int) color.RGBA, owner []int16, id int16) int {
	return fillRotated(img, poly, cx, cy, r, 0, fill, owner, id)
}

// fillRotated paints the pixels whose centres fall inside the polygon (nil
// for a circle) placed at cx, cy with radius r and rotated by rot radians,
// colouring each with fill. When owner is non-nil it records id as the
// topmost shape of each painted pixel. It returns the pixels painted.
func fillRotated(img *image.RGBA, poly []point, cx, cy, r, rot float64, fill func(x, y int) color.RGBA, owner []int16, id int16) int {
	n := img.Rect.Dx()
	ext := r * reach(poly)
	cos, sin := math.Cos(-rot), math.Sin(-rot)
	count := 0
	for y := max(int(cy-ext)-1, 0); y <= min(int(cy+ext)+1, n-1); y++ {
		for x := max(int(cx-ext)-1, 0); x <= min(int(cx+ext)+1, n-1); x++ {
			dx, dy := (float64(x)+.5-cx)/r, (float64(y)+.5-cy)/r
			u, v := dx*cos-dy*sin, dx*sin+dy*cos
			if !inside(poly, u, v) {
				continue
			}
			img.SetRGBA(x, y, fill(x, y))
			if owner != nil {
				owner[y*n+x] = id
			}
			count++
		}
	}
	return count
}

// texture returns a fill: solid, stripes, checks, a gradient or speckles,
// in saturated colours that stand out from the muted background.
func texture(rng *rand.Rand) func(x, y int) color.RGBA {
	hue := rng.Float64()
	a := hsv(hue, 0.55+rng.Float64()*0.45, 0.45+rng.Float64()*0.55)
	b := hsv(hue+0.15+rng.Float64()*0.7, 0.5+rng.Float64()*0.5, 0.3+rng.Float64()*0.7)
	switch rng.IntN(5) {
	case 0:
		return func(int, int) color.RGBA { return a }
	case 1:
		period := 3 + rng.Float64()*6
		ang := rng.Float64() * math.Pi
		c, s := math.Cos(ang), math.Sin(ang)
		return func(x, y int) color.RGBA {
			if math.Mod(math.Abs(float64(x)*c+float64(y)*s), period) < period/2 {
				return a
			}
			return b
		}
	case 2:
		cell := 2 + rng.IntN(6)
		return func(x, y int) color.RGBA {
			if (x/cell+y/cell)%2 == 0 {
				return a
			}
			return b
		}
	case 3:
		span := 20 + rng.Float64()*100
		return func(x, y int) color.RGBA {
			t := math.Mod(float64(x+y)/span, 1)
			return color.RGBA{uint8(lerp(a.R, b.R, t)), uint8(lerp(a.G, b.G, t)), uint8(lerp(a.B, b.B, t)), 255}
		}
	default:
		// Speckles from a hash of the position: deterministic, no state.
		return func(x, y int) color.RGBA {
			h := uint32(x)*73856093 ^ uint32(y)*19349663
			h ^= h >> 13
			h *= 0x5bd1e995
			if h>>28 == 0 {
				return b
			}
			return a
		}
	}
}
