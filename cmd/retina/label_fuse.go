package main

import (
	"image"
	"image/draw"
	"slices"

	"github.com/retina-edge/retina/net/boxes"
	"github.com/retina-edge/retina/net/dataset"
	"github.com/retina-edge/retina/net/detect"
)

// Ways to merge the detections of an image and its mirror image (--fuse).
const (
	fuseWBF = "wbf"
	fuseNMS = "nms"
)

// fuseIoU is weighted box fusion's clustering threshold (Solovyev et al.
// 2019 use 0.55).
const fuseIoU = 0.55

// mirror is img flipped left to right.
func mirror(img image.Image) *image.RGBA {
	b := img.Bounds()
	rgba, ok := img.(*image.RGBA)
	if !ok || b.Min != (image.Point{}) {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Rect, img, b.Min, draw.Src)
	}
	out, _ := dataset.HFlip(rgba, nil)
	return out
}

// unmirror maps detections on the mirror image of an image w pixels wide
// back onto the image.
func unmirror(dets []detect.Detection, w int) []detect.Detection {
	fw := float32(w)
	for i := range dets {
		b := dets[i].Box
		dets[i].Box = [4]float32{fw - b[2], b[1], fw - b[0], b[3]}
	}
	return dets
}

// fuse merges two views' detections (the image's and its mirror's, mapped
// back) and keeps those scoring at least thresh, highest score first.
//
// wbf is weighted box fusion (Solovyev, Wang, Gabruseva 2019): boxes of
// both views, by falling score, join the first cluster of their class
// whose fused box they overlap at IoU > 0.55, else start one; a cluster's
// box is the score-weighted mean of its boxes' corners and its score the
// mean of its scores times min(boxes, 2)/2, so a box only one view found
// keeps half its score. nms keeps, per class, the highest-scoring box of
// each group overlapping at IoU > nmsThresh (torchvision's batched_nms).
func fuse(method string, views [2][]detect.Detection, thresh float32, nmsThresh float64) []detect.Detection {
	all := slices.Concat(views[0], views[1])
	slices.SortStableFunc(all, byFallingScore)
	var out []detect.Detection
	if method == fuseNMS {
		bs := make([]boxes.Box, len(all))
		scores := make([]float32, len(all))
		classes := make([]int, len(all))
		for i, d := range all {
			bs[i], scores[i], classes[i] = d.Box, d.Score, d.Class
		}
		for _, k := range boxes.BatchedNMS(bs, scores, classes, nmsThresh, nil) {
			if all[k].Score >= thresh {
				out = append(out, all[k])
			}
		}
		return out
	}
	type cluster struct {
		fused  detect.Detection
		sum    [4]float64 // score-weighted corners
		scores float64
		n      int
	}
	var cs []*cluster
	for _, d := range all {
		var hit *cluster
		for _, c := range cs {
			if c.fused.Class == d.Class && boxes.IoU(c.fused.Box, d.Box) > fuseIoU {
				hit = c
				break
			}
		}
		if hit == nil {
			hit = &cluster{fused: d}
			cs = append(cs, hit)
		}
		s := float64(d.Score)
		for j := range 4 {
			hit.sum[j] += s * float64(d.Box[j])
		}
		hit.scores += s
		hit.n++
		for j := range 4 {
			hit.fused.Box[j] = float32(hit.sum[j] / hit.scores)
		}
	}
	for _, c := range cs {
		c.fused.Score = float32(c.scores / float64(c.n) * float64(min(c.n, 2)) / 2)
		if c.fused.Score >= thresh {
			out = append(out, c.fused)
		}
	}
	slices.SortStableFunc(out, byFallingScore)
	return out
}

func byFallingScore(a, b detect.Detection) int {
	switch {
	case a.Score > b.Score:
		return -1
	case a.Score < b.Score:
		return 1
	}
	return 0
}
