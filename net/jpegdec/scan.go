package jpegdec

import "fmt"

// scanHeader is what an SOS segment says.
type scanHeader struct {
	comps          []*component
	ss, se, ah, al int
}

// parseSOS reads an SOS payload and binds its components.
func (d *decoder) parseSOS(p []byte) (*scanHeader, error) {
	if len(p) < 1 {
		return nil, FormatError("SOS segment too short")
	}
	n := int(p[0])
	if n < 1 || n > 4 || len(p) != 4+2*n {
		return nil, FormatError(fmt.Sprintf("SOS segment with %d components has length %d", n, len(p)+2))
	}
	s := &d.st.sh
	*s = scanHeader{comps: d.st.shComps[:0]}
	blocks := 0
	for i := 0; i < n; i++ {
		id, tbl := p[1+2*i], p[2+2*i]
		var c *component
		for j := range d.f.comps {
			if d.f.comps[j].id == id {
				c = &d.f.comps[j]
			}
		}
		if c == nil {
			return nil, FormatError(fmt.Sprintf("SOS names component id %d, not in the frame", id))
		}
		for _, o := range s.comps {
			if o == c {
				return nil, FormatError(fmt.Sprintf("SOS names component id %d twice", id))
			}
		}
		c.dcTbl, c.acTbl = int(tbl>>4), int(tbl&15)
		if c.dcTbl > 3 || c.acTbl > 3 {
			return nil, FormatError(fmt.Sprintf("SOS selects Huffman tables %d/%d", c.dcTbl, c.acTbl))
		}
		s.comps = append(s.comps, c)
		blocks += c.h * c.v
	}
	if n > 1 && blocks > 10 {
		return nil, FormatError(fmt.Sprintf("MCU of %d blocks (at most 10)", blocks))
	}
	q := p[1+2*n:]
	s.ss, s.se, s.ah, s.al = int(q[0]), int(q[1]), int(q[2]>>4), int(q[2]&15)
	return s, nil
}

// scan decodes one scan; done reports that a sequential file's only scan
// has been decoded.
func (d *decoder) scan(p []byte) (done bool, err error) {
	s, err := d.parseSOS(p)
	if err != nil {
		return false, err
	}
	if d.scans == 0 {
		d.setDefaultHuffman()
	}
	d.scans++
	for _, c := range s.comps {
		if c.quant == nil {
			// libjpeg latches a component's table at its first scan.
			if d.quant[c.tq] == nil {
				return false, FormatError(fmt.Sprintf("quantisation table %d is not defined", c.tq))
			}
			c.quantBuf = *d.quant[c.tq]
			c.quant = &c.quantBuf
		}
	}
	if d.f.progressive {
		if err := d.checkProgression(s); err != nil {
			return false, err
		}
	} else {
		for _, c := range s.comps {
			if d.dcTables[c.dcTbl] == nil || d.acTables[c.acTbl] == nil {
				return false, FormatError("scan uses an undefined Huffman table")
			}
			if c.scanned {
				return false, FormatError("component coded in two sequential scans")
			}
		}
		if d.scans == 1 && len(s.comps) < len(d.f.comps) {
			// Components no scan codes come out as IDCTs of zero blocks.
			for i := range d.f.comps {
				fill(d.f.comps[i].plane, 128)
			}
		}
	}
	for _, c := range s.comps {
		c.dcPred = 0
		c.scanned = true
	}
	d.eobRun = 0
	d.insufficient = false
	d.bitReader.reset()
	if err := d.mcus(s); err != nil {
		return false, err
	}
	if d.hitEOF {
		return false, ErrTruncated
	}
	d.bitReader.reset()
	return !d.f.progressive && len(s.comps) == len(d.f.comps), nil
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

// checkProgression validates a progressive scan as libjpeg's
// start_pass_phuff_decoder does and updates coefBits.
func (d *decoder) checkProgression(s *scanHeader) error {
	bad := false
	if s.ss == 0 {
		bad = s.se != 0
	} else {
		bad = s.ss > s.se || s.se > 63 || len(s.comps) != 1
	}
	if s.ah != 0 && s.al != s.ah-1 {
		bad = true
	}
	if s.al > 13 {
		bad = true
	}
	if bad {
		return FormatError(fmt.Sprintf("invalid progressive scan Ss=%d Se=%d Ah=%d Al=%d", s.ss, s.se, s.ah, s.al))
	}
	for _, c := range s.comps {
		if s.ss == 0 {
			if s.ah == 0 && d.dcTables[c.dcTbl] == nil {
				return FormatError("scan uses an undefined Huffman table")
			}
		} else if d.acTables[c.acTbl] == nil {
			return FormatError("scan uses an undefined Huffman table")
		}
		for k := s.ss; k <= s.se; k++ {
			c.coefBits[k] = s.al
		}
	}
	return nil
}

// mcus decodes the scan's MCUs, handling restart intervals.
func (d *decoder) mcus(s *scanHeader) error {
	var mx, my int
	if len(s.comps) == 1 {
		// A non-interleaved scan codes the component's own block grid.
		mx, my = s.comps[0].bw, s.comps[0].bh
	} else {
		mx, my = d.f.mcusX, d.f.mcusY
	}
	decodeMCU := d.sequentialMCU
	if d.f.progressive {
		decodeMCU = d.progressiveMCU
	}
	nextRST := 0
	left := d.restart
	for y := 0; y < my; y++ {
		for x := 0; x < mx; x++ {
			if d.restart > 0 {
				if left == 0 {
					if err := d.processRestart(nextRST); err != nil {
						return err
					}
					nextRST = (nextRST + 1) & 7
					for _, c := range s.comps {
						c.dcPred = 0
					}
					d.eobRun = 0
					d.insufficient = false
					left = d.restart
				}
				left--
			}
			if d.insufficient {
				// Like libjpeg, after the data ran into a marker leave the
				// MCU's coefficients zero.
				if !d.f.progressive {
					d.zeroMCU(s, x, y)
				}
				continue
			}
			if err := decodeMCU(s, x, y); err != nil {
				return err
			}
			if d.overrun() {
				if d.hitEOF {
					return ErrTruncated
				}
				d.insufficient = true
			}
		}
	}
	return nil
}

// processRestart discards the buffered bits and reads the expected RSTn
// marker.
func (d *decoder) processRestart(n int) error {
	d.bitReader.reset()
	m, err := d.nextMarker()
	if err != nil {
		return err
	}
	if m != byte(mRST0+n) {
		return FormatError(fmt.Sprintf("expected RST%d marker, found 0x%02X", n, m))
	}
	return nil
}

// blockPos returns the grid position of block (bx, by) of component c for
// MCU (x, y) of a scan, interleaved or not.
func blockPos(s *scanHeader, c *component, x, y, bx, by int) (int, int) {
	if len(s.comps) == 1 {
		return x, y
	}
	return x*c.h + bx, y*c.v + by
}
