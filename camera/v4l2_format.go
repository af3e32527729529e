package camera

import (
	"fmt"
	"sort"
	"strings"
)

// formatChoice is a pixel format and size to ask of a device.
type formatChoice struct {
	fourcc        uint32
	width, height int
}

// chooseFormat applies the V4L2 source's format rule to what a device offers:
//
//  1. MJPEG at exactly the asked size;
//  2. else YUYV at exactly the asked size;
//  3. else the offered MJPEG or YUYV size nearest the asked one, by
//     |dw| + |dh|, ties going to MJPEG and then to the larger size.
//
// MJPEG comes first because a USB 2 camera usually reaches full frame rate
// only compressed. A format whose sizes the driver does not enumerate counts
// as offering the asked size (the driver then adjusts it in SetFormat).
// Stepwise ranges offer every size on their steps.
func chooseFormat(formats []uint32, sizes func(uint32) []frameSize, width, height int) (formatChoice, error) {
	var offered [2]bool
	for _, f := range formats {
		switch f {
		case fourccMJPEG:
			offered[0] = true
		case fourccYUYV:
			offered[1] = true
		}
	}
	if !offered[0] && !offered[1] {
		names := make([]string, 0, len(formats))
		for _, f := range formats {
			names = append(names, fourccString(f))
		}
		sort.Strings(names)
		return formatChoice{}, fmt.Errorf("device offers neither MJPEG nor YUYV (it offers: %s)", strings.Join(names, ", "))
	}
	order := [2]uint32{fourccMJPEG, fourccYUYV}
	lists := [2][]frameSize{}
	for i, f := range order {
		if offered[i] {
			lists[i] = sizes(f)
			if len(lists[i]) == 0 || offersExactly(lists[i], width, height) {
				return formatChoice{f, width, height}, nil
			}
		}
	}
	best, bestDist := formatChoice{}, -1
	for i, f := range order {
		for _, s := range lists[i] {
			w := nearestOnSteps(width, s.MinWidth, s.MaxWidth, s.StepWidth)
			h := nearestOnSteps(height, s.MinHeight, s.MaxHeight, s.StepHeight)
			d := absInt(w-width) + absInt(h-height)
			better := bestDist < 0 || d < bestDist ||
				(d == bestDist && best.fourcc == f && w*h > best.width*best.height)
			if better {
				best, bestDist = formatChoice{f, w, h}, d
			}
		}
	}
	if bestDist < 0 || best.width <= 0 || best.height <= 0 {
		return formatChoice{}, fmt.Errorf("device lists no usable MJPEG or YUYV frame size")
	}
	return best, nil
}

func offersExactly(list []frameSize, width, height int) bool {
	for _, s := range list {
		if nearestOnSteps(width, s.MinWidth, s.MaxWidth, s.StepWidth) == width &&
			nearestOnSteps(height, s.MinHeight, s.MaxHeight, s.StepHeight) == height {
			return true
		}
	}
	return false
}

// nearestOnSteps is the value of lo, lo+step, ..., <= hi closest to want.
func nearestOnSteps(want int, lo, hi, step uint32) int {
	l, h := int(lo), int(hi)
	if h < l {
		h = l
	}
	if want <= l {
		return l
	}
	if want >= h {
		return h
	}
	st := int(step)
	if st <= 0 {
		st = 1
	}
	k := (want - l + st/2) / st
	v := l + k*st
	if v > h {
		v -= st
	}
	return v
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
