package quant

import "github.com/retina-edge/retina/kernels"

// The element-wise layers between the convs split over the engine's
// threads by planes (or, for the input's quantization and a residual add,
// by element ranges), so that no stage of the int8 forward runs on one
// thread. Each element is computed as
// on one thread: outputs do not depend on the split.

// poolJob is the stem's max-pool of planes h x w; each thread has its own
// row scratch.
type poolJob struct {
	im     *kernels.Int8Impl
	src    qmap
	dst    []int8
	rowMax []int8 // src.w bytes per thread, rowMaxStride(src.w) apart
}

func (j *poolJob) RunRange(part, lo, hi int) {
	hw, ohw := j.src.h*j.src.w, kernels.PoolSize(j.src.h)*kernels.PoolSize(j.src.w)
	kernels.MaxPool3x3s2Int8(j.im, j.src.data[lo*hw:], hi-lo, j.src.h, j.src.w, j.dst[lo*ohw:], j.rowMax[part*rowMaxStride(j.src.w):][:j.src.w])
}

// addJob is a residual add, dst = x + y, over element ranges.
type addJob struct {
	add       *Add
	dst, x, y []int8
}

func (j *addJob) RunRange(_, lo, hi int) { j.add.Apply(j.dst[lo:hi], j.x[lo:hi], j.y[lo:hi]) }

// upAddJob is the FPN's top-down sum, dst = dst + nearest(up), over planes.
type upAddJob struct {
	add        *Add
	dst, up    qmap
	rows, cols []int32
}

func (j *upAddJob) RunRange(_, lo, hi int) {
	d, u := j.dst, j.up
	dst := d.data[lo*d.h*d.w : hi*d.h*d.w]
	j.add.ApplyUpsampled(dst, dst, hi-lo, d.h, d.w, u.data[lo*u.h*u.w:hi*u.h*u.w], u.h, u.w, j.rows, j.cols)
}

// quantizeJob quantizes the input image over element ranges.
type quantizeJob struct {
	im  *kernels.Int8Impl
	dst []int8
	src []float32
	q   QParams
}

func (j *quantizeJob) RunRange(_, lo, hi int) { quantizeInto(j.im, j.dst[lo:hi], j.src[lo:hi], j.q) }
