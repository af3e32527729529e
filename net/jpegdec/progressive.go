package jpegdec

// progressiveMCU decodes one MCU of a progressive scan into the
// coefficient arrays, following libjpeg's jdphuff.c.
func (d *decoder) progressiveMCU(s *scanHeader, x, y int) error {
	if s.ss == 0 {
		return d.dcMCU(s, x, y)
	}
	// AC scans have one component and one block per MCU.
	c := s.comps[0]
	blk := (*[64]int16)(c.coefs[(y*c.gw+x)*64:])
	if s.ah == 0 {
		return d.acFirst(s, blk, d.acTables[c.acTbl])
	}
	return d.acRefine(s, blk, d.acTables[c.acTbl])
}

// dcMCU decodes the DC coefficients of every block of the MCU.
func (d *decoder) dcMCU(s *scanHeader, x, y int) error {
	for _, c := range s.comps {
		nh, nv := c.h, c.v
		if len(s.comps) == 1 {
			nh, nv = 1, 1
		}
		t := d.dcTables[c.dcTbl]
		for by := 0; by < nv; by++ {
			for bx := 0; bx < nh; bx++ {
				gx, gy := blockPos(s, c, x, y, bx, by)
				p := &c.coefs[(gy*c.gw+gx)*64]
				if s.ah != 0 {
					if d.bit() != 0 {
						*p |= int16(1 << s.al)
					}
					continue
				}
				sz, ok := d.decode(t)
				if !ok {
					return FormatError("bad Huffman code")
				}
				c.dcPred = int32(uint32(c.dcPred) + uint32(d.receiveExtend(uint(sz))))
				*p = int16(uint32(c.dcPred) << s.al)
			}
		}
	}
	return nil
}

// acFirst decodes a first AC scan of one block (spectral selection, with
// end-of-band runs).
func (d *decoder) acFirst(s *scanHeader, blk *[64]int16, t *huffTable) error {
	if d.eobRun > 0 {
		d.eobRun--
		return nil
	}
	for k := s.ss; k <= s.se; k++ {
		rs, ok := d.decode(t)
		if !ok {
			return FormatError("bad Huffman code")
		}
		r, sz := int(rs>>4), uint(rs&15)
		if sz != 0 {
			k += r
			blk[zigzag[k]] = int16(uint32(d.receiveExtend(sz)) << s.al)
			continue
		}
		if r != 15 {
			d.eobRun = 1 << r
			if r != 0 {
				d.eobRun += int(d.bits(uint(r)))
			}
			d.eobRun--
			break
		}
		k += 15
	}
	return nil
}

// acRefine decodes a successive-approximation refinement AC scan of one
// block.
func (d *decoder) acRefine(s *scanHeader, blk *[64]int16, t *huffTable) error {
	p1 := int16(1 << s.al)
	m1 := int16(-1 << s.al)
	k := s.ss
	refine := func(c *int16) {
		if *c != 0 && d.bit() != 0 && *c&p1 == 0 {
			if *c >= 0 {
				*c += p1
			} else {
				*c += m1
			}
		}
	}
	if d.eobRun == 0 {
		for ; k <= s.se; k++ {
			rs, ok := d.decode(t)
			if !ok {
				return FormatError("bad Huffman code")
			}
			r, sz := int(rs>>4), int(rs&15)
			var v int16
			if sz != 0 {
				// libjpeg only warns when sz is not 1.
				if d.bit() != 0 {
					v = p1
				} else {
					v = m1
				}
			} else if r != 15 {
				d.eobRun = 1 << r
				if r != 0 {
					d.eobRun += int(d.bits(uint(r)))
				}
				break
			}
			// Skip r still-zero coefficients, refining the nonzero ones.
			for k <= s.se {
				c := &blk[zigzag[k]]
				if *c != 0 {
					refine(c)
				} else {
					r--
					if r < 0 {
						break
					}
				}
				k++
			}
			if v != 0 {
				blk[zigzag[k]] = v
			}
		}
	}
	if d.eobRun > 0 {
		for ; k <= s.se; k++ {
			refine(&blk[zigzag[k]])
		}
		d.eobRun--
	}
	return nil
}
