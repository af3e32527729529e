// Package synth generates a deterministic synthetic detection dataset: shapes
// of several classes (circle, square, triangle, star, cross) filled with
// varied colours and textures, some rotated, at scales from about 12 pixels
// to most of the image, occluding each other, on cluttered backgrounds
// (gradients, noise, lines, curves and irregular splotches that are not
// objects). Boxes are tight to the visible pixels of each shape; a shape
// less than 40% visible is marked crowd (ignored by evaluation), one with
// nothing visible is dropped. Images are JPEG (quality 90); annotations are
// written in COCO, VOC or YOLO form through net/dataset.
package synth
