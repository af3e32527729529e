package jpegdec

// upsampleKind is the method libjpeg's jinit_upsampler picks for a
// component from its sampling factors relative to the maximum.
type upsampleKind int

const (
	upFull      upsampleKind = iota // same size as the image
	upH2V1Fancy                     // triangle filter across
	upH1V2Fancy                     // triangle filter down
	upH2V2Fancy                     // triangle filter across and down
	upReplicate                     // integral box replication
)

// upsampler turns one component's plane into full-size rows.
type upsampler struct {
	c          *component
	kind       upsampleKind
	hexp, vexp int
	stride     int
	buf        []byte
}

// init sets u up for component c, keeping u's row buffer for reuse.
func (u *upsampler) init(f *frame, c *component) error {
	*u = upsampler{c: c, stride: c.gw * 8, buf: u.buf}
	fancyOK := c.dw > 2 // libjpeg's fancy h2 filters need 3 or more columns
	switch {
	case c.h == f.hmax && c.v == f.vmax:
		u.kind = upFull
		return nil
	case c.h*2 == f.hmax && c.v == f.vmax && fancyOK:
		u.kind = upH2V1Fancy
	case c.h == f.hmax && c.v*2 == f.vmax:
		u.kind = upH1V2Fancy
	case c.h*2 == f.hmax && c.v*2 == f.vmax && fancyOK:
		u.kind = upH2V2Fancy
	case f.hmax%c.h == 0 && f.vmax%c.v == 0:
		u.kind = upReplicate
		u.hexp, u.vexp = f.hmax/c.h, f.vmax/c.v
	default:
		return UnsupportedError("fractional sampling factors")
	}
	u.buf = reuse(u.buf, c.dw*f.hmax+f.width)
	return nil
}

// row returns output row y of the component, at least width samples.
func (u *upsampler) row(y int) []byte {
	c := u.c
	switch u.kind {
	case upFull:
		return c.plane[y*u.stride : y*u.stride+c.dw]
	case upH2V1Fancy:
		h2v1Fancy(u.buf, c.plane[y*u.stride:y*u.stride+c.dw])
	case upH1V2Fancy, upH2V2Fancy:
		r := y >> 1
		near := c.plane[r*u.stride : r*u.stride+c.dw]
		n, bias := r-1, int32(1) // even rows lean on the row above
		if y&1 == 1 {
			n, bias = r+1, 2
		}
		// Rows above the top and below the last real row repeat the edge.
		n = min(max(n, 0), c.dh-1)
		far := c.plane[n*u.stride : n*u.stride+c.dw]
		if u.kind == upH1V2Fancy {
			h1v2Fancy(u.buf, near, far, bias)
		} else {
			h2v2Fancy(u.buf, near, far)
		}
	case upReplicate:
		r := y / u.vexp
		in := c.plane[r*u.stride : r*u.stride+c.dw]
		out := u.buf[:len(in)*u.hexp]
		for i, v := range in {
			for j := 0; j < u.hexp; j++ {
				out[i*u.hexp+j] = v
			}
		}
	}
	return u.buf
}

// h2v1Fancy doubles a row with weights 3/4 and 1/4 (jdsample.c's
// h2v1_fancy_upsample; the +1/+2 biases alternate the rounding).
func h2v1Fancy(out, in []byte) {
	n := len(in)
	out = out[:2*n]
	out[0] = in[0]
	out[1] = byte((int32(in[0])*3 + int32(in[1]) + 2) >> 2)
	for i := 1; i < n-1; i++ {
		v := int32(in[i]) * 3
		out[2*i] = byte((v + int32(in[i-1]) + 1) >> 2)
		out[2*i+1] = byte((v + int32(in[i+1]) + 2) >> 2)
	}
	out[2*n-2] = byte((int32(in[n-1])*3 + int32(in[n-2]) + 1) >> 2)
	out[2*n-1] = in[n-1]
}

// h1v2Fancy blends the nearer row 3/4 with the farther row 1/4.
func h1v2Fancy(out, near, far []byte, bias int32) {
	out = out[:len(near)]
	far = far[:len(near)]
	for i := range near {
		out[i] = byte((int32(near[i])*3 + int32(far[i]) + bias) >> 2)
	}
}

// h2v2Fancy is the triangle filter in both directions (jdsample.c's
// h2v2_fancy_upsample): column sums of 3*near+far, then 3:1 across.
func h2v2Fancy(out, near, far []byte) {
	n := len(near)
	out = out[:2*n]
	far = far[:n]
	this := int32(near[0])*3 + int32(far[0])
	next := int32(near[1])*3 + int32(far[1])
	out[0] = byte((this*4 + 8) >> 4)
	out[1] = byte((this*3 + next + 7) >> 4)
	last := this
	this = next
	for i := 1; i < n-1; i++ {
		next = int32(near[i+1])*3 + int32(far[i+1])
		out[2*i] = byte((this*3 + last + 8) >> 4)
		out[2*i+1] = byte((this*3 + next + 7) >> 4)
		last, this = this, next
	}
	out[2*n-2] = byte((this*3 + last + 8) >> 4)
	out[2*n-1] = byte((this*4 + 7) >> 4)
}
