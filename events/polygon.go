package events

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Polygon is a closed outline in frame pixels.
type Polygon struct {
	X, Y []float32
}

// Zone is a named polygon; an object is in it when its reference point is.
type Zone struct {
	Name string
	Polygon
}

// ParseZone parses "name:x1,y1,x2,y2,x3,y3,..." (at least three points, in
// frame pixels), the form --zone and the config file take.
func ParseZone(s string) (Zone, error) {
	name, pts, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Zone{}, fmt.Errorf("zone %q: want NAME:x1,y1,x2,y2,x3,y3,... (a name, a colon, then the polygon's points in frame pixels)", s)
	}
	if strings.ContainsAny(name, "/#+ ") {
		return Zone{}, fmt.Errorf("zone %q: the name %q may not contain '/', '#', '+' or spaces (it is used in MQTT topics)", s, name)
	}
	p, err := parsePoints(pts)
	if err != nil {
		return Zone{}, fmt.Errorf("zone %q: %w", s, err)
	}
	return Zone{Name: name, Polygon: p}, nil
}

// ParseMask parses a mask, "x1,y1,x2,y2,x3,y3,..." in frame pixels:
// detections whose reference point falls inside are ignored.
func ParseMask(s string) (Polygon, error) {
	p, err := parsePoints(s)
	if err != nil {
		return Polygon{}, fmt.Errorf("mask %q: %w", s, err)
	}
	return p, nil
}

func parsePoints(s string) (Polygon, error) {
	fields := strings.Split(s, ",")
	if len(fields)%2 != 0 {
		return Polygon{}, fmt.Errorf("%d coordinates: want x,y pairs", len(fields))
	}
	if len(fields) < 6 {
		return Polygon{}, fmt.Errorf("%d points: a polygon needs at least 3 (x1,y1,x2,y2,x3,y3)", len(fields)/2)
	}
	var p Polygon
	for i, f := range fields {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return Polygon{}, fmt.Errorf("coordinate %d (%q) is not a number", i+1, f)
		}
		if i%2 == 0 {
			p.X = append(p.X, float32(v))
		} else {
			p.Y = append(p.Y, float32(v))
		}
	}
	return p, nil
}

// Contains reports whether x, y is inside the polygon (even-odd rule).
func (p Polygon) Contains(x, y float32) bool {
	in := false
	n := len(p.X)
	for i, j := 0, n-1; i < n; j, i = i, i+1 {
		xi, yi, xj, yj := p.X[i], p.Y[i], p.X[j], p.Y[j]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}

// RefPoint is where an object is considered to be for zones and masks: the
// bottom centre of its box (Frigate's convention: where a person stands or
// a car touches the ground, whatever the camera's angle).
func RefPoint(box [4]float32) (x, y float32) {
	return (box[0] + box[2]) / 2, box[3]
}
