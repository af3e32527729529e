// Package track gives each detected object a stable integer id across
// frames: a multi-object tracker in the SORT / ByteTrack style (constant-
// velocity box motion, IoU association by optimal assignment, high- then
// low-score matching, tracks confirmed after a few hits and ended after a
// few misses).
package track
