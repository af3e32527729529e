package net

// The element-wise layers between the convs split over the engine's
// threads by planes, as the convs do by rows or channels, so that no stage
// of a forward pass runs on one thread (a Pi has four cores). Each plane is
// computed as on one thread: outputs do not depend on the split.

// poolJob is the stem's max-pool; each thread has its own row scratch.
type poolJob struct {
	src, dst Tensor
	rowMax   []float32 // src.W() floats per thread
}

func (j *poolJob) RunRange(part, lo, hi int) {
	w := j.src.W()
	maxPoolPlanes(j.src, j.dst, j.rowMax[part*w:(part+1)*w], lo, hi)
}

// upsampleJob is the FPN's nearest upsample of a top-down path.
type upsampleJob struct {
	src, dst Tensor
	cols     []int // nearestColumns' table, shared read-only
}

func (j *upsampleJob) RunRange(_, lo, hi int) { upsamplePlanes(j.src, j.dst, j.cols, lo, hi) }

// reluJob is relu(src) into dst over channels, P7's input.
type reluJob struct{ src, dst planes }

func (j *reluJob) RunRange(_, lo, hi int) {
	for c := lo; c < hi; c++ {
		dst := j.dst.plane(c)
		for i, v := range j.src.plane(c) {
			dst[i] = max(v, 0)
		}
	}
}
