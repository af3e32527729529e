package jpegdec

// sequentialMCU decodes one MCU of a sequential scan and writes the IDCT of
// each block into its component's plane.
func (d *decoder) sequentialMCU(s *scanHeader, x, y int) error {
	var blk [64]int16
	for _, c := range s.comps {
		dcT, acT := d.dcTables[c.dcTbl], d.acTables[c.acTbl]
		nh, nv := c.h, c.v
		if len(s.comps) == 1 {
			nh, nv = 1, 1
		}
		stride := c.gw * 8
		for by := 0; by < nv; by++ {
			for bx := 0; bx < nh; bx++ {
				blk = [64]int16{}
				t, ok := d.decode(dcT)
				if !ok {
					return FormatError("bad Huffman code")
				}
				// The DC sum wraps as libjpeg's unsigned addition does.
				c.dcPred = int32(uint32(c.dcPred) + uint32(d.receiveExtend(uint(t))))
				blk[0] = int16(c.dcPred)
				hasAC := false
				for k := 1; k < 64; k++ {
					rs, ok := d.decode(acT)
					if !ok {
						return FormatError("bad Huffman code")
					}
					r, sz := int(rs>>4), uint(rs&15)
					if sz != 0 {
						k += r
						blk[zigzag[k]] = int16(d.receiveExtend(sz))
						hasAC = true
					} else {
						if r != 15 {
							break
						}
						k += 15
					}
				}
				gx, gy := blockPos(s, c, x, y, bx, by)
				if gx < c.bw && gy < c.bh {
					dst := c.plane[gy*8*stride+gx*8:]
					if hasAC {
						idct(&blk, c.quant, dst, stride)
					} else {
						idctDC(blk[0], c.quant, dst, stride)
					}
				}
			}
		}
	}
	return nil
}

// zeroMCU writes the IDCT of all-zero blocks for an MCU libjpeg skips.
func (d *decoder) zeroMCU(s *scanHeader, x, y int) {
	for _, c := range s.comps {
		nh, nv := c.h, c.v
		if len(s.comps) == 1 {
			nh, nv = 1, 1
		}
		stride := c.gw * 8
		for by := 0; by < nv; by++ {
			for bx := 0; bx < nh; bx++ {
				gx, gy := blockPos(s, c, x, y, bx, by)
				if gx < c.bw && gy < c.bh {
					idctDC(0, c.quant, c.plane[gy*8*stride+gx*8:], stride)
				}
			}
		}
	}
}
