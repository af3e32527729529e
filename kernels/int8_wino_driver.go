package kernels

import (
	"fmt"
	"math"
)

// Wino8Image is one image among a Winograd conv's inputs: channel planes
// of H x W pixels starting at Src in each input plane and written from
// Dst in each output row, padded with Pad (the quantized real zero). The
// images of one conv (a head conv's pyramid levels) share its weights.
type Wino8Image struct {
	H, W     int
	Src, Dst int
	Pad      int8
}

// Wino8Out is where a Winograd conv's sums go: requantized into C with
// image i's Rq[i], or, with C nil, into Acc with Rq[i].Bias added, row o
// of the output (channel o) starting at o*Ldc; or, with F set, as
// float32(sum + Rq[i].Bias[o]) * FScale[i][o] into F, image i's row o
// at FAt[i] + o*H*W (a head's output conv dequantized in place, each
// image a block of its own). Reuse says that the plan's last run had the
// same input, whose transform it still holds.
type Wino8Out struct {
	C      []int8
	Acc    []int32
	F      []float32
	FAt    []int
	FScale [][]float32
	Ldc    int
	Rq     []*Requant
	Reuse  bool
}

// Wino8Plan lays out the 4x4 output tiles of a set of images, tile by
// tile in image order, and holds a conv run's scratch: the transformed
// input and each thread's transform-domain sums. Later runs on the same
// images allocate nothing.
type Wino8Plan struct {
	C      int
	images []Wino8Image
	tiles  int
	panels int     // of width tiles each, in 64-wide panels
	width  int     // a multiple of 16, for the narrower tile kernels
	chunk  int     // panels a task runs: its sums, 36 x 24 x 64 x chunk int32, stay in L2
	tile   []wTile // per tile
	v      []int16 // [36][panels][groups][64][2], points vPoint apart
	vPoint int
	mPoint int // the distance of a part's sums' points
	parts  []wino8Part
	rows   [][]rqRow
	clamps []rqClamp

	// For the tiers' input transform: each image padded to whole tiles
	// plus the conv's one-pixel border, at padAt[i] in a channel's padded
	// plane of padSize bytes, and each 16 tiles' window rows' offsets in
	// it ([groups of 16][6][16]).
	padAt   []int
	padSize int
	offs    []int32

	// For the fused output: per tile, its first output pixel in a row
	// and its image's width, and per 16 tiles the mask of whole ones.
	whereAt, whereW []int32
	whole           []uint16

	// the current run
	w      *Wino8
	im     *Int8Impl
	src    []int8
	stride int
	out    Wino8Out
	step   int // 0: input transform, 1: products and output transform
	run    int // counts the runs, for the parts' padded borders
}

// wTile is one output tile: its image, the offset of its first pixel in
// the image's planes, and how many of its rows and columns lie inside.
type wTile struct {
	img, y, x, rows, cols int32
}

// wino8Part is one thread's scratch.
type wino8Part struct {
	m      []int32 // [36][wino8Block][chunk*64], points mPoint apart: the sums of a block of rows and a chunk of panels
	u      []int16 // the transformed weights of layout block ub of uw (Wino8's layout)
	uw     *Wino8
	ub     int
	pad    [2][]int8
	padRun int                             // the run whose padding values pad's borders hold
	tmp    []int32                         // the input transform's 36 vectors
	acc    [16 * wino8Out * wino8Out]int32 // the direct sums of up to 16 tiles, 16 a tile
	q      [16 * wino8Out * wino8Out]int8
	lanes  rqLanes // a group's constants by tile, when its tiles span images
	// The parts lie side by side: a line between them keeps one thread's
	// writes to acc and q off the line the next part's fields share.
	_ [64]byte
}

// NewWino8Plan lays out the tiles of images, c channels each, for
// engines of up to threads threads.
func NewWino8Plan(threads, c int, images []Wino8Image) *Wino8Plan {
	p := &Wino8Plan{C: c, images: append([]Wino8Image(nil), images...)}
	for i, im := range images {
		for ty := 0; ty < im.H; ty += wino8Out {
			for tx := 0; tx < im.W; tx += wino8Out {
				p.tile = append(p.tile, wTile{img: int32(i), y: int32(ty), x: int32(tx),
					rows: int32(min(wino8Out, im.H-ty)), cols: int32(min(wino8Out, im.W-tx))})
			}
		}
	}
	p.tiles = len(p.tile)
	for _, im := range images {
		p.padAt = append(p.padAt, p.padSize)
		p.padSize += (ceilDiv(im.H, wino8Out)*wino8Out + 2) * (ceilDiv(im.W, wino8Out)*wino8Out + 2)
	}
	p.offs = make([]int32, ceilDiv(p.tiles, 16)*wino8In*16)
	p.whereAt = make([]int32, ceilDiv(p.tiles, 16)*16)
	p.whereW = make([]int32, len(p.whereAt))
	p.whole = make([]uint16, ceilDiv(p.tiles, 16))
	for t, tl := range p.tile {
		im := images[tl.img]
		p.whereAt[t] = int32(im.Dst + int(tl.y)*im.W + int(tl.x))
		p.whereW[t] = int32(im.W)
		if tl.rows == wino8Out && tl.cols == wino8Out {
			p.whole[t/16] |= 1 << (t % 16)
		}
	}
	for t, tl := range p.tile {
		pw := ceilDiv(images[tl.img].W, wino8Out)*wino8Out + 2
		for r := range wino8In {
			p.offs[(t/16*wino8In+r)*16+t%16] = int32(p.padAt[tl.img] + (int(tl.y)+r)*pw + int(tl.x))
		}
	}
	p.panels = ceilDiv(p.tiles, wino8NR)
	p.width = ceilDiv(ceilDiv(p.tiles, p.panels), 16) * 16 // 139 tiles: 3 x 48, not 64 + 64 + 11
	p.chunk = min(p.panels, wino8Chunk)
	// The points of v and of the sums are a line more than a multiple of
	// 4 KB apart (v's would be 96 KB for a head conv), so that the 36
	// streams the transforms read or write do not share an L1 set.
	p.vPoint = p.panels*ceilDiv(c, 2)*2*wino8NR + 32
	p.mPoint = wino8Block*p.chunk*wino8NR + 16
	p.v = make([]int16, wino8Points*p.vPoint)
	p.parts = make([]wino8Part, max(threads, 1))
	for i := range p.parts {
		p.parts[i].m = make([]int32, wino8Points*p.mPoint)
		p.parts[i].u = make([]int16, wino8Points*(wino8Block/wino8MR*wino8Lanes(c)+32))
		p.parts[i].pad = [2][]int8{make([]int8, p.padSize+8), make([]int8, p.padSize+8)} // + a gather's overreach
		p.parts[i].tmp = make([]int32, 36*16)
	}
	p.rows = make([][]rqRow, len(images))
	p.clamps = make([]rqClamp, len(images))
	return p
}

// SetPad sets image i's padding value (the input zero point of the
// conv run next).
func (p *Wino8Plan) SetPad(i int, pad int8) { p.images[i].Pad = pad }

// Wino8Fast reports whether the tier has an int16 tile kernel, so that a
// Winograd conv beats its im2col GEMM (the generic tier runs the Go
// reference, for tests).
func (im *Int8Impl) Wino8Fast() bool { return im.tile16 != nil }

// Wino8Conv runs the 3x3, stride-1, pad-1 conv w on the images of p in
// src, whose channel ch's planes start at src[ch*stride], into out; the
// result is the im2col GEMM's, bit for bit.
func (e *Engine) Wino8Conv(w *Wino8, p *Wino8Plan, src []int8, stride int, out Wino8Out) {
	if w.C != p.C || len(out.Rq) != len(p.images) || len(p.parts) < e.threads {
		panic(fmt.Sprintf("kernels: Winograd conv of %d channels, %d requantizations, %d parts on a plan of %d, %d, %d",
			w.C, len(out.Rq), len(p.parts), p.C, len(p.images), e.threads))
	}
	n := len(out.Acc)
	if out.C != nil {
		n = len(out.C)
	}
	for i, im := range p.images {
		if out.F != nil {
			if len(out.FAt) != len(p.images) || len(out.FScale) != len(p.images) || len(out.FScale[i]) < w.OutC ||
				out.FAt[i] < 0 || out.FAt[i]+w.OutC*im.H*im.W > len(out.F) {
				panic(fmt.Sprintf("kernels: Winograd float output of %d values does not hold %d rows of image %d", len(out.F), w.OutC, i))
			}
			continue
		}
		// The vector stores are not bounds-checked: every image must lie
		// inside each output row.
		if im.Dst < 0 || im.Dst+im.H*im.W > out.Ldc || (w.OutC-1)*out.Ldc+out.Ldc > n {
			panic(fmt.Sprintf("kernels: Winograd output of %d rows of %d does not hold an image at %d of %d x %d", w.OutC, out.Ldc, im.Dst, im.H, im.W))
		}
	}
	for i, rq := range out.Rq {
		if out.C != nil {
			rq.check(w.OutC)
		}
		if cap(p.rows[i]) < w.OutC {
			p.rows[i] = make([]rqRow, w.OutC)
		}
		rows := p.rows[i][:w.OutC]
		for o := range rows {
			r := rqRow{}
			if rq.Bias != nil {
				r.add = rq.Bias[o]
			}
			if out.C != nil {
				r.setShift(rq.Multiplier[o], rq.Shift[o])
				p.clamps[i] = rq.clamp()
			}
			rows[o] = r
		}
		p.rows[i] = rows
	}
	p.w, p.im, p.src, p.stride, p.out = w, e.impl8, src, stride, out
	p.run++
	if !out.Reuse {
		p.step = 0
		e.ParallelRange(p, ceilDiv(p.C, 2))
	}
	p.step = 1
	for i := range p.parts {
		p.parts[i].uw = nil // the weights may differ from the last run's
	}
	e.ParallelRange(p, ceilDiv(p.panels, p.chunk)*w.panels)
	p.w, p.im, p.src, p.out = nil, nil, nil, Wino8Out{}
}

// RunRange runs the current step on groups of two input channels (step
// 0) or on tasks of one weight panel and one chunk of tile panels.
func (p *Wino8Plan) RunRange(part, lo, hi int) {
	if p.step == 0 {
		for g := lo; g < hi; g++ {
			if p.im.wino8Input != nil {
				p.inputTier(&p.parts[part], g)
			} else {
				p.input(g)
			}
		}
		return
	}
	// Step 1 runs over (6-row weight panel, chunk of tile panels) pairs,
	// weight panel major, so that a thread's share of the rows covers
	// every chunk (chunks hold unequal numbers of tiles: 400 tiles are
	// chunks of 256 and 144), a block of up to wino8Block rows of one
	// chunk at a time, each layout block's chunks in a row so that its
	// transformed weights serve them all.
	nc := ceilDiv(p.panels, p.chunk)
	bl := p.w.block
	for b := lo / nc / bl; b*bl*nc < hi; b++ {
		for c := range nc {
			// the weight panels r of block b with lo <= r*nc+c < hi
			r0, r1 := max(b*bl, ceilDiv(max(lo-c, 0), nc)), b*bl
			if hi-1-c >= 0 {
				r1 = min((b+1)*bl, (hi-1-c)/nc+1)
			}
			if r0 < r1 {
				p.products(&p.parts[part], c*p.chunk, r0*wino8MR, min(p.w.OutC, r1*wino8MR))
			}
		}
	}
}

// input transforms channels 2g and 2g+1 (zero past C) of every tile.
func (p *Wino8Plan) input(g int) {
	groups := ceilDiv(p.C, 2)
	var d [wino8Points]int32
	for half := range 2 {
		ch := 2*g + half
		for t, tl := range p.tile {
			at := (t/p.width*groups+g)*2*wino8NR + t%p.width*2 + half
			if ch >= p.C {
				for pt := range wino8Points {
					p.v[pt*p.vPoint+at] = 0
				}
				continue
			}
			im := &p.images[tl.img]
			plane := p.src[ch*p.stride+im.Src : ch*p.stride+im.Src+im.H*im.W]
			y0, x0 := int(tl.y)-1, int(tl.x)-1
			if y0 >= 0 && x0 >= 0 && y0+wino8In <= im.H && x0+wino8In <= im.W {
				for r := range wino8In {
					line := plane[(y0+r)*im.W+x0 : (y0+r)*im.W+x0+wino8In]
					for c, v := range line {
						d[r*wino8In+c] = int32(v)
					}
				}
			} else {
				for r := range wino8In {
					for c := range wino8In {
						y, x := y0+r, x0+c
						v := im.Pad
						if y >= 0 && y < im.H && x >= 0 && x < im.W {
							v = plane[y*im.W+x]
						}
						d[r*wino8In+c] = int32(v)
					}
				}
			}
			vt := wino8Input(&d)
			for pt, v := range vt {
				p.v[pt*p.vPoint+at] = int16(v)
			}
		}
	}
}

// inputTier is input on the tier's transform: channels 2g and 2g+1 (2g
// again past C, where the weights are zero) padded, then 16 tiles a call.
func (p *Wino8Plan) inputTier(s *wino8Part, g int) {
	groups := ceilDiv(p.C, 2)
	if s.padRun != p.run {
		p.padBorders(s.pad[0])
		p.padBorders(s.pad[1])
		s.padRun = p.run
	}
	for half := range 2 {
		p.padPlane(s.pad[half], min(2*g+half, p.C-1))
	}
	ptStride := p.vPoint * 2
	for k := range ceilDiv(p.tiles, 16) {
		v := &p.v[(16*k/p.width*groups+g)*2*wino8NR+16*k%p.width*2]
		p.im.wino8Input(v, ptStride, &s.pad[0][0], &s.pad[1][0], &p.offs[k*wino8In*16], &s.tmp[0])
	}
}

// padBorders fills every image's border in dst at padAt with the image's
// Pad: the rows above and below it and the columns left and right of it,
// to whole tiles and a border of one. They stay for the run's channels.
func (p *Wino8Plan) padBorders(dst []int8) {
	for i, im := range p.images {
		pw := ceilDiv(im.W, wino8Out)*wino8Out + 2
		ph := ceilDiv(im.H, wino8Out)*wino8Out + 2
		out := dst[p.padAt[i] : p.padAt[i]+ph*pw]
		fill(out[:pw], im.Pad)
		fill(out[(im.H+1)*pw:], im.Pad)
		for y := range im.H {
			line := out[(y+1)*pw : (y+2)*pw]
			line[0] = im.Pad
			fill(line[1+im.W:], im.Pad)
		}
	}
}

// padPlane writes channel ch of every image into its place inside the
// borders padBorders left in dst.
func (p *Wino8Plan) padPlane(dst []int8, ch int) {
	for i, im := range p.images {
		pw := ceilDiv(im.W, wino8Out)*wino8Out + 2
		plane := p.src[ch*p.stride+im.Src : ch*p.stride+im.Src+im.H*im.W]
		at := p.padAt[i] + pw + 1
		for y := range im.H {
			copy(dst[at+y*pw:at+y*pw+im.W], plane[y*im.W:(y+1)*im.W])
		}
	}
}

// products computes the transform-domain sums of panels q0..q0+chunk-1
// for output rows o0..o1-1 (one layout block's, at most wino8Block), each
// point's weights read once for all of them from the thread's transformed
// block (transformed here unless it holds that block already: 8x the
// int8 bytes, it stays in L2 where the whole conv's would not stay even
// in L3), and transforms them back into the output.
func (p *Wino8Plan) products(s *wino8Part, q0, o0, o1 int) {
	w, groups := p.w, ceilDiv(p.C, 2)
	q1 := min(q0+p.chunk, p.panels)
	ld := p.chunk * wino8NR
	if b := o0 / wino8Block; s.uw != w || s.ub != b {
		w.transformBlock(p.im, s.u, b)
		s.uw, s.ub = w, b
	}
	for pt := range wino8Points {
		for q := q0; q < q1; q++ {
			b := &p.v[pt*p.vPoint+q*groups*2*wino8NR]
			cols := min(p.width, p.tiles-q*p.width)
			for i := o0 / wino8MR; i*wino8MR < o1; i++ {
				a := &s.u[pt*w.pointStride()+i%w.block*w.lanes]
				c := &s.m[pt*p.mPoint+(i*wino8MR-o0)*ld+(q-q0)*wino8NR]
				p.im.tile16Run(groups, a, b, c, ld, cols)
			}
		}
	}
	for q := q0; q < q1; q++ {
		cols := min(p.width, p.tiles-q*p.width)
		col0 := (q - q0) * wino8NR
		if p.im.wino8Output != nil {
			for o := o0; o < o1; o++ {
				for tl := 0; tl < cols; tl += 16 {
					m, t0, n := &s.m[(o-o0)*ld+col0+tl], q*p.width+tl, min(16, cols-tl)
					if p.fuseStore(s, m, o, t0, n, p.mPoint*4) {
						continue
					}
					p.im.wino8Output(&s.acc[0], m, p.mPoint*4)
					p.store(s, o, t0, n)
				}
			}
			continue
		}
		var m [wino8Points]int32
		for o := o0; o < o1; o++ {
			for tl := range cols {
				for pt := range m {
					m[pt] = s.m[pt*p.mPoint+(o-o0)*ld+col0+tl]
				}
				y := wino8Output(&m)
				copy(s.acc[:], y[:])
				p.store(s, o, q*p.width+tl, 1)
			}
		}
	}
}

// fuseStore runs the tier's output transform with the requantization
// fused (int8 output, multipliers the vector code takes) on tiles
// t0..t0+n-1 and places them, reporting whether it could. A group whose
// tiles span images (the heads' levels meet inside three of them) takes
// each tile's image's constants.
func (p *Wino8Plan) fuseStore(s *wino8Part, m *int32, o, t0, n, ptStride int) bool {
	first, last := p.tile[t0].img, p.tile[t0+n-1].img
	if p.out.C == nil || p.im.wino8OutputQ == nil || first != last && p.im.wino8OutputQLanes == nil {
		return false
	}
	for img := first; img <= last; img++ { // tiles are in image order
		if p.rows[img][o].mult == math.MinInt32 {
			return false
		}
	}
	g := t0 / 16 // t0 is a multiple of 16 (panels are)
	mask := p.whole[g]
	if first == last {
		cl := p.clamps[first]
		p.im.wino8OutputQ(&s.q[0], m, ptStride, &p.rows[first][o], cl.lo, cl.hi, cl.zero, &p.out.C[o*p.out.Ldc], &p.whereAt[g*16], &p.whereW[g*16], mask)
	} else {
		for l := range 16 {
			img := p.tile[t0+min(l, n-1)].img // lanes past the last tile: any image's
			s.lanes.set(l, &p.rows[img][o], p.clamps[img])
		}
		p.im.wino8OutputQLanes(&s.q[0], m, ptStride, &s.lanes, &p.out.C[o*p.out.Ldc], &p.whereAt[g*16], &p.whereW[g*16], mask)
	}
	for l := range n {
		if mask>>l&1 != 0 {
			continue
		}
		// A partial tile: the rows and columns inside its image.
		tl := p.tile[t0+l]
		im := &p.images[tl.img]
		at := o*p.out.Ldc + im.Dst + int(tl.y)*im.W + int(tl.x)
		for r := range int(tl.rows) {
			copy(p.out.C[at+r*im.W:at+r*im.W+int(tl.cols)], s.q[r*64+l*4:])
		}
	}
	return true
}

// store writes output row o's part of tiles t0..t0+n-1 from s.acc (16
// sums a tile), one run of tiles of the same image at a time.
func (p *Wino8Plan) store(s *wino8Part, o, t0, n int) {
	for a := 0; a < n; {
		img := p.tile[t0+a].img
		b := a + 1
		for b < n && p.tile[t0+b].img == img {
			b++
		}
		p.storeRun(s, o, t0, a, b)
		a = b
	}
}

// storeRun writes tiles t0+a..t0+b-1, all of one image.
func (p *Wino8Plan) storeRun(s *wino8Part, o, t0, a, b int) {
	const tt = wino8Out * wino8Out
	img := p.tile[t0+a].img
	row := &p.rows[img][o]
	acc := s.acc[a*tt : b*tt]
	if p.out.C == nil {
		if p.out.F != nil {
			p.placeF(s, row.add, p.out.FScale[img][o], o, t0, a, b)
			return
		}
		if p.im.bias != nil {
			p.im.bias(&acc[0], 0, &acc[0], 0, 1, len(acc), row)
		} else {
			for i := range acc {
				acc[i] += row.add
			}
		}
		placeTiles(p, p.out.Acc, s.acc[:], o, t0, a, b)
		return
	}
	q := s.q[a*tt : b*tt]
	cl := p.clamps[img]
	if row.mult == math.MinInt32 || p.im.requant == nil {
		requantRowGo(q, acc, row, cl)
	} else {
		p.im.requant(&q[0], 0, &acc[0], 0, 1, len(acc), row, cl.lo, cl.hi, cl.zero)
	}
	placeTiles(p, p.out.C, s.q[:], o, t0, a, b)
}

// placeTiles writes tiles t0+a..t0+b-1 of output row o from src (16
// values a tile, row-major) into dst, clipped to their image.
func placeTiles[T int8 | int32](p *Wino8Plan, dst, src []T, o, t0, a, b int) {
	const tt = wino8Out * wino8Out
	for j := a; j < b; j++ {
		tl := p.tile[t0+j]
		im := &p.images[tl.img]
		at := o*p.out.Ldc + im.Dst + int(tl.y)*im.W + int(tl.x)
		if tl.rows == wino8Out && tl.cols == wino8Out {
			// A whole tile: four rows of four, one bounds check.
			_ = dst[at+3*im.W+3]
			for r := range wino8Out {
				*(*[4]T)(dst[at+r*im.W:]) = *(*[4]T)(src[j*tt+r*4:])
			}
			continue
		}
		for r := range int(tl.rows) {
			copy(dst[at+r*im.W:at+r*im.W+int(tl.cols)], src[j*tt+r*wino8Out:])
		}
	}
}

// placeF writes tiles t0+a..t0+b-1 of output row o, all of one image,
// from s.acc (16 sums a tile) into the float output: float32(sum + add)
// * scale, clipped to the image; the tier's kernel places whole tiles.
func (p *Wino8Plan) placeF(s *wino8Part, add int32, scale float32, o, t0, a, b int) {
	img := p.tile[t0+a].img
	im := &p.images[img]
	base := p.out.FAt[img] + o*im.H*im.W - im.Dst // whereAt counts from Dst
	var mask uint16
	if p.im.wino8PlaceF != nil && t0%16 == 0 && base >= 0 {
		mask = p.whole[t0/16] & uint16((1<<b)-(1<<a))
		p.im.wino8PlaceF(&p.out.F[base], &s.acc[0], add, scale, &p.whereAt[t0], &p.whereW[t0], mask)
	}
	const tt = wino8Out * wino8Out
	f := p.out.F
	for j := a; j < b; j++ {
		if mask>>j&1 != 0 {
			continue
		}
		tl := p.tile[t0+j]
		at := p.out.FAt[img] + o*im.H*im.W + int(tl.y)*im.W + int(tl.x)
		src := s.acc[j*tt : (j+1)*tt]
		for r := range int(tl.rows) {
			for c := range int(tl.cols) {
				f[at+r*im.W+c] = float32(src[r*4+c]+add) * scale
			}
		}
	}
}

// tile16Run runs the tier's int16 tile kernel on the first cols columns
// of a panel (the Go reference on tiers without one).
func (im *Int8Impl) tile16Run(groups int, a, b *int16, c *int32, ldc, cols int) {
	if im.tile16 == nil {
		tile16Generic(groups, a, b, c, ldc, cols)
		return
	}
	im.tile16[ceilDiv(cols, 16)-1](groups, a, b, c, ldc)
}
