package track

// The motion model is a constant-velocity Kalman filter on the box centre
// and size (cx, cy, w, h) and their velocities, as in SORT/ByteTrack. We
// filter w and h rather than SORT's area and aspect ratio (like BoT-SORT):
// the synthetic and real objects here change width and height
// independently, and w, h keep all four coordinates in the same units.
//
// With a constant-velocity transition, a measurement of the four
// coordinates, and process and measurement noise that are diagonal per
// coordinate (DeepSORT's noise model, scaled by the box size), the 8-state
// filter's covariance never couples different coordinates. So it is
// exactly four independent 2-state (position, velocity) filters: the same
// estimates as the 8x8 matrix form at a fraction of the cost and with no
// matrix code.

// Noise weights relative to the box size (DeepSORT / ByteTrack values).
const (
	stdPosition = 1.0 / 20
	stdVelocity = 1.0 / 160
)

// axis is one coordinate's position and velocity with their covariance
// [[pp, pv], [pv, vv]].
type axis struct {
	pos, vel   float64
	pp, pv, vv float64
}

// kalman is the box filter: cx, cy, w, h.
type kalman struct {
	ax [4]axis
}

// boxState converts x1, y1, x2, y2 to cx, cy, w, h.
func boxState(b [4]float32) [4]float64 {
	x1, y1, x2, y2 := float64(b[0]), float64(b[1]), float64(b[2]), float64(b[3])
	return [4]float64{(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1}
}

// scale is the size the noise is proportional to (at least a pixel).
func scale(s [4]float64) float64 { return max((s[2]+s[3])/2, 1) }

func (k *kalman) init(b [4]float32) {
	z := boxState(b)
	s := scale(z)
	for i := range k.ax {
		p, v := 2*stdPosition*s, 10*stdVelocity*s
		k.ax[i] = axis{pos: z[i], pp: p * p, vv: v * v}
	}
}

// predict moves the state one frame on.
func (k *kalman) predict() {
	s := scale(k.state())
	qp, qv := stdPosition*s, stdVelocity*s
	for i := range k.ax {
		a := &k.ax[i]
		a.pos += a.vel
		a.pp += 2*a.pv + a.vv + qp*qp
		a.pv += a.vv
		a.vv += qv * qv
	}
	// A shrinking box must not turn inside out while it coasts.
	for i := 2; i < 4; i++ {
		if a := &k.ax[i]; a.pos < 1 {
			a.pos, a.vel = 1, 0
		}
	}
}

// update corrects the state with a measured box.
func (k *kalman) update(b [4]float32) {
	z := boxState(b)
	r := stdPosition * scale(z)
	for i := range k.ax {
		a := &k.ax[i]
		s := a.pp + r*r
		k0, k1 := a.pp/s, a.pv/s
		y := z[i] - a.pos
		a.pos += k0 * y
		a.vel += k1 * y
		a.vv -= k1 * a.pv
		a.pv -= k0 * a.pv
		a.pp -= k0 * a.pp
	}
}

func (k *kalman) state() [4]float64 {
	return [4]float64{k.ax[0].pos, k.ax[1].pos, k.ax[2].pos, k.ax[3].pos}
}

// box returns the estimate as x1, y1, x2, y2.
func (k *kalman) box() [4]float32 {
	s := k.state()
	return [4]float32{float32(s[0] - s[2]/2), float32(s[1] - s[3]/2), float32(s[0] + s[2]/2), float32(s[1] + s[3]/2)}
}

// holdSize stops the size changing while a track coasts unseen: a box
// shrinking as its object went behind something says nothing of its size
// when it comes out.
func (k *kalman) holdSize() {
	k.ax[2].vel, k.ax[3].vel = 0, 0
}
