// Package draw renders detections onto pictures: a 2-pixel rectangle per
// box in its class's colour and a "label 0.87" tag on a filled background,
// and saves pictures as JPEG or PNG atomically.
package draw
