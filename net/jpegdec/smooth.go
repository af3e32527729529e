package jpegdec

// Block smoothing of libjpeg-turbo 2.1's jdcoefct.c (decompress_smooth_data):
// when a progressive file ends before some of the first nine AC
// coefficients are known to full precision, libjpeg estimates those that
// are still zero from the DC values of the 5x5 neighbouring blocks (and,
// while no AC coefficient has been sent at all, smooths the DC too). A
// complete progressive file is never smoothed.

// smoothPos are the natural-order positions of zigzag coefficients 1..9.
var smoothPos = [10]int{0, 1, 8, 16, 9, 2, 3, 10, 17, 24}

// smoothingOK is libjpeg's smoothing_ok for a fully read file.
func (d *decoder) smoothingOK() bool {
	useful := false
	for i := range d.f.comps {
		c := &d.f.comps[i]
		if c.quant == nil {
			return false
		}
		for _, p := range smoothPos {
			if c.quant[p] == 0 {
				return false
			}
		}
		if c.coefBits[0] < 0 {
			return false
		}
		for k := 1; k <= 9; k++ {
			if c.coefBits[k] != 0 {
				useful = true
			}
		}
	}
	return useful
}

// smoothIDCT is progressiveIDCT with block smoothing, for component c.
func (d *decoder) smoothIDCT(c *component) {
	stride := c.gw * 8
	total := d.f.mcusY
	bits := &c.coefBits
	changeDC := true
	for k := 1; k <= 9; k++ {
		if bits[k] != -1 {
			changeDC = false
		}
	}
	var q [10]int64
	for k, p := range smoothPos {
		q[k] = int64(c.quant[p])
	}
	dcAt := func(row, col int) int64 {
		col = min(max(col, 0), c.bw-1)
		return int64(c.coefs[(row*c.gw+col)*64])
	}
	var ws [64]int16
	for r := 0; r < c.bh; r++ {
		// libjpeg-turbo 2.1.5 picks the neighbouring rows by the block
		// row's place in its iMCU row and that iMCU row's place in the
		// image, so with two block rows per iMCU row the second row of the
		// image and the second-to-last iMCU row see a nearer row twice.
		m, br := r/c.v, r%c.v
		rows := c.v
		if m == total-1 && c.bh%c.v != 0 {
			rows = c.bh % c.v
		}
		last := total - 1
		prev, next := r, r
		if br > 0 || m > 0 {
			prev = r - 1
		}
		prevPrev := prev
		if br > 1 || m > 1 {
			prevPrev = r - 2
		}
		if br < rows-1 || m < last {
			next = r + 1
		}
		nextNext := next
		if br < rows-2 || m+1 < last {
			nextNext = r + 2
		}
		rowsAt := [5]int{prevPrev, prev, r, next, nextNext}
		for col := 0; col < c.bw; col++ {
			// dc[i][j] is the DC of the block i-2 rows and j-2 columns away.
			var dc [5][5]int64
			for i, rr := range rowsAt {
				for j := 0; j < 5; j++ {
					dc[i][j] = dcAt(rr, col+j-2)
				}
			}
			blk := (*[64]int16)(c.coefs[(r*c.gw+col)*64:])
			ws = *blk
			smoothBlock(&ws, &dc, bits, &q, changeDC)
			idct(&ws, c.quant, c.plane[r*8*stride+col*8:], stride)
		}
	}
}

// smoothBlock fills in the estimates of K.8 as libjpeg-turbo computes them.
func smoothBlock(ws *[64]int16, dc *[5][5]int64, bits *[64]int, q *[10]int64, changeDC bool) {
	// DC01..DC25 of libjpeg, row by row.
	D := func(n int) int64 { return dc[(n-1)/5][(n-1)%5] }
	set := func(k int, num int64) {
		al := bits[k]
		p := smoothPos[k]
		if al == 0 || ws[p] != 0 {
			return
		}
		num *= q[0]
		qq := q[k]
		var pred int64
		if num >= 0 {
			pred = ((qq << 7) + num) / (qq << 8)
			if al > 0 && pred >= 1<<al {
				pred = 1<<al - 1
			}
		} else {
			pred = ((qq << 7) - num) / (qq << 8)
			if al > 0 && pred >= 1<<al {
				pred = 1<<al - 1
			}
			pred = -pred
		}
		ws[p] = int16(pred)
	}
	if changeDC {
		set(1, -D(1)-D(2)+D(4)+D(5)-3*D(6)+13*D(7)-13*D(9)+3*D(10)-3*D(11)+38*D(12)-38*D(14)+
			3*D(15)-3*D(16)+13*D(17)-13*D(19)+3*D(20)-D(21)-D(22)+D(24)+D(25))
		set(2, -D(1)-3*D(2)-3*D(3)-3*D(4)-D(5)-D(6)+13*D(7)+38*D(8)+13*D(9)-D(10)+D(16)-
			13*D(17)-38*D(18)-13*D(19)+D(20)+D(21)+3*D(22)+3*D(23)+3*D(24)+D(25))
		set(3, D(3)+2*D(7)+7*D(8)+2*D(9)-5*D(12)-14*D(13)-5*D(14)+2*D(17)+7*D(18)+2*D(19)+D(23))
		set(4, -D(1)+D(5)+9*D(7)-9*D(9)-9*D(17)+9*D(19)+D(21)-D(25))
		set(5, 2*D(7)-5*D(8)+2*D(9)+D(11)+7*D(12)-14*D(13)+7*D(14)+D(15)+2*D(17)-5*D(18)+2*D(19))
		set(6, D(7)-D(9)+2*D(12)-2*D(14)+D(17)-D(19))
		set(7, D(7)-3*D(8)+D(9)-D(17)+3*D(18)-D(19))
		set(8, D(7)-D(9)-3*D(12)+3*D(14)+D(17)-D(19))
		set(9, D(7)+2*D(8)+D(9)-D(17)-2*D(18)-D(19))
		num := q[0] * (-2*D(1) - 6*D(2) - 8*D(3) - 6*D(4) - 2*D(5) - 6*D(6) + 6*D(7) + 42*D(8) +
			6*D(9) - 6*D(10) - 8*D(11) + 42*D(12) + 152*D(13) + 42*D(14) - 8*D(15) - 6*D(16) +
			6*D(17) + 42*D(18) + 6*D(19) - 6*D(20) - 2*D(21) - 6*D(22) - 8*D(23) - 6*D(24) - 2*D(25))
		var pred int64
		if num >= 0 {
			pred = ((q[0] << 7) + num) / (q[0] << 8)
		} else {
			pred = -(((q[0] << 7) - num) / (q[0] << 8))
		}
		ws[0] = int16(pred)
		return
	}
	set(1, -7*D(11)+50*D(12)-50*D(14)+7*D(15))
	set(2, -7*D(3)+50*D(8)-50*D(18)+7*D(23))
	set(3, -D(3)+13*D(8)-24*D(13)+13*D(18)-D(23))
	set(4, D(10)+D(16)-10*D(17)+10*D(19)-D(2)-D(20)+D(22)-D(24)+D(4)-D(6)+10*D(7)-10*D(9))
	set(5, -D(11)+13*D(12)-24*D(13)+13*D(14)-D(15))
}
