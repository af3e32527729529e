package synth

import "math"

// ShapeNames are the classes Generate can draw, in class-index order.
var ShapeNames = []string{"circle", "square", "triangle", "star", "cross"}

type point struct{ x, y float64 }

// outline returns a shape's polygon in unit coordinates (centred on 0,
// roughly radius 1), or nil for the circle.
func outline(shape string) []point {
	switch shape {
	case "square":
		return []point{{-0.8, -0.8}, {0.8, -0.8}, {0.8, 0.8}, {-0.8, 0.8}}
	case "triangle":
		return regular(3, 1, 1)
	case "star":
		return regular(5, 1, 0.42)
	case "cross":
		a, b := 0.3, 1.0
		return []point{{-a, -b}, {a, -b}, {a, -a}, {b, -a}, {b, a}, {a, a}, {a, b}, {-a, b}, {-a, a}, {-b, a}, {-b, -a}, {-a, -a}}
	}
	return nil
}

// regular returns an n-pointed polygon alternating outer and inner radii
// (a plain regular polygon when they are equal), pointing up.
func regular(n int, outer, inner float64) []point {
	var pts []point
	for i := 0; i < n; i++ {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		pts = append(pts, point{outer * math.Cos(a), outer * math.Sin(a)})
		if inner != outer {
			a += math.Pi / float64(n)
			pts = append(pts, point{inner * math.Cos(a), inner * math.Sin(a)})
		}
	}
	return pts
}

// reach is the largest distance of a shape's points from its centre.
func reach(poly []point) float64 {
	if poly == nil {
		return 1
	}
	r := 0.0
	for _, p := range poly {
		r = math.Max(r, math.Hypot(p.x, p.y))
	}
	return r
}

// inside tests a point in unit coordinates (even-odd rule).
func inside(poly []point, x, y float64) bool {
	if poly == nil {
		return x*x+y*y <= 1
	}
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a.y > y) != (b.y > y) && x < (b.x-a.x)*(y-a.y)/(b.y-a.y)+a.x {
			in = !in
		}
	}
	return in
}
