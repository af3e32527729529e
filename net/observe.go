package net

// Observer receives the float forward's activations by the names arch.go
// gives them (InputActivation, each conv's Name, each block's Output, each
// LateralSum, PyramidActivation(l), and LevelActivation(tower conv, l) for
// the head towers after their norm and ReLU), one image at a time, as
// C x H x W values valid during the call only. Calibration (package quant)
// chooses the int8 model's ranges from them.
type Observer func(name string, values []float32)

// SetObserver makes Forward report its activations to o (nil: none). The
// joins a forward fuses into a GEMM (a residual block's last conv, an FPN
// lateral conv with the top-down path) are then also computed on their own
// for the observer, which costs time and memory: it is for calibration.
func (m *Model) SetObserver(o Observer) { m.observe = o }

// observeTensor reports each image of t under name.
func (m *Model) observeTensor(name string, t Tensor) {
	if m.observe == nil {
		return
	}
	for b := range t.N() {
		m.observe(name, t.Image(b))
	}
}

// observeUnfused reports c's own output on x, which the forward adds into
// out's join without ever holding it: c runs again, alone, without the
// join's ReLU, into a scratch buffer.
func (m *Model) observeUnfused(p *plan, c *conv, x, out Tensor) {
	alone := *c
	alone.relu = false
	t := view(m.observeBuffer(len(out.Data)), out.N(), out.C(), out.H(), out.W())
	alone.run(m.engine, x, t, &p.sc, false)
	m.observeTensor(c.Name, t)
}

// observeLevels reports every level of one image's c x total buffer under
// LevelActivation(base, l), each gathered into a C x H x W map.
func (m *Model) observeLevels(p *plan, base string, img []float32, c int) {
	if m.observe == nil {
		return
	}
	for l := range NumLevels {
		src := p.levelPlanes(img, l, c)
		hw := src.h * src.w
		dst := m.observeBuffer(c * hw)
		for ch := range c {
			copy(dst[ch*hw:(ch+1)*hw], src.plane(ch))
		}
		m.observe(LevelActivation(base, l), dst)
	}
}

// observeBuffer returns n floats of scratch for the observer.
func (m *Model) observeBuffer(n int) []float32 {
	if cap(m.obsBuf) < n {
		m.obsBuf = make([]float32, n)
	}
	return m.obsBuf[:n]
}
