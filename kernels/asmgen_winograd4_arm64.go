//go:build ignore

// The Winograd F(4x4, 3x3) NEON transforms for asmgen_arm64.go (run
// together with it: `GOARCH=arm64 go generate ./kernels`), 4 tiles a
// vector; the last block of 1..3 tiles loads and stores single lanes (or
// single tiles), touching nothing outside the documented inputs and
// outputs. Every 4x multiply is two doublings and the additions run in
// the Go reference's order (kernels/winograd4.go), so the results are its
// bits.

package main

import "fmt"

func winograd4Kernels() string {
	var e emitter
	e.header()
	winograd4InputNEON(&e)
	e.w("")
	winograd4OutputNEON(&e)
	return e.String()
}

// bt6 emits y = B^T x (six registers each; x unchanged) with t0, t1
// scratch.
func bt6(e *emitter, x, y [6]int, t0, t1 int) {
	for _, s := range []string{
		fsub(t0, x[4], x[2]), // a = x4 - x2
		fsub(t1, x[3], x[1]), // e = x3 - x1
		fsub(y[0], x[0], x[2]), fadd(y[0], y[0], y[0]), fadd(y[0], y[0], y[0]), fadd(y[0], t0, y[0]),
		fadd(y[1], x[3], x[4]), fadd(y[2], x[1], x[2]), fadd(y[2], y[2], y[2]), fadd(y[2], y[2], y[2]), fsub(y[1], y[1], y[2]),
		fsub(y[2], x[4], x[3]), fsub(y[3], x[1], x[2]), fadd(y[3], y[3], y[3]), fadd(y[3], y[3], y[3]), fadd(y[2], y[2], y[3]),
		fadd(t1, t1, t1), fadd(y[3], t0, t1), fsub(y[4], t0, t1),
		fsub(y[5], x[5], x[3]), fsub(t0, x[1], x[3]), fadd(t0, t0, t0), fadd(t0, t0, t0), fadd(y[5], y[5], t0),
	} {
		e.w("\t%s", s)
	}
}

// at6 emits x0..x3 = A^T x in place (x4 clobbered) with t0, t1 scratch.
func at6(e *emitter, x [6]int, t0, t1 int) {
	for _, s := range []string{
		fadd(t0, x[1], x[2]),                         // a
		fsub(x[1], x[1], x[2]),                       // b
		fadd(x[2], x[3], x[4]),                       // c
		fsub(x[3], x[3], x[4]),                       // d
		fadd(x[0], x[0], t0), fadd(x[0], x[0], x[2]), // (x0 + a) + c
		fadd(x[2], x[2], x[2]), fadd(x[2], x[2], x[2]), fadd(x[2], t0, x[2]), // a + 4c
		fadd(x[3], x[3], x[3]), fadd(t1, x[1], x[3]), // b + 2d
		fadd(x[3], x[3], x[3]), fadd(x[3], x[3], x[3]), fadd(x[3], x[1], x[3]), fadd(x[3], x[3], x[5]), // (b + 8d) + x5
	} {
		e.w("\t%s", s)
	}
	e.w("\tVORR V%d.B16, V%d.B16, V%d.B16", t1, t1, x[1])
}

// winograd4InputNEON: VLD4 splits a row's columns 0..15 into columns 0..3
// of 4 tiles (V0-V3) and, 4 floats on, columns 4, 5 (V4, V5); d B goes to
// the frame through V8-V13 (t[r][j] at 16(6r+j)), then B^T (d B) column by
// column to the outputs. The rows' padding (Winograd4RowWidth) covers a
// last block of 1..3 tiles, whose outputs are stored lane by lane.
func winograd4InputNEON(e *emitter) {
	e.w("// func winograd4InputNEON(rows *float32, pw, tw int, out *float32, stride int)")
	e.w("TEXT ·winograd4InputNEON(SB), $576-40")
	e.w("\tMOVD rows+0(FP), R0")
	e.w("\tMOVD pw+8(FP), R8")
	e.w("\tMOVD tw+16(FP), R2 // tiles left")
	e.w("\tMOVD out+24(FP), R3")
	e.w("\tMOVD stride+32(FP), R9")
	e.w("\tLSL $2, R8, R8 // row width in bytes")
	e.w("\tLSL $2, R9, R9 // output stride in bytes")
	e.w("\tADD R9, R9, R10")
	e.w("\tADD R9, R10, R10")
	e.w("\tADD R10, R10, R10 // 6 strides")
	e.w("\tMOVD $t-576(SP), R11 // t = d B")
	e.w("")
	e.w("iblock:")
	e.w("\tCMP $0, R2")
	e.w("\tBLE idone")
	e.w("\tMOVD R0, R4 // row r")
	e.w("\tMOVD R11, R5 // t[r]")
	e.w("\tMOVD $6, R6")
	e.w("")
	e.w("irow:")
	e.w("\tADD $16, R4, R7")
	e.w("\tVLD4 (R4), [V0.S4, V1.S4, V2.S4, V3.S4]")
	e.w("\tVLD4 (R7), [V4.S4, V5.S4, V6.S4, V7.S4]")
	x, y := [6]int{0, 1, 2, 3, 4, 5}, [6]int{8, 9, 10, 11, 12, 13}
	bt6(e, x, y, 14, 15)
	e.w("\tVST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R5)")
	e.w("\tVST1.P [V12.S4, V13.S4], 32(R5)")
	e.w("\tADD R8, R4, R4")
	e.w("\tSUB $1, R6, R6")
	e.w("\tCBNZ R6, irow")
	e.w("\tCMP $2, R2")
	e.w("\tBLT icols1")
	e.w("\tBEQ icols2")
	e.w("\tCMP $3, R2")
	e.w("\tBEQ icols3")
	// Column j's outputs j, 6+j, ..., 30+j from t[0..5][j]; n lanes (4: all).
	for _, n := range []int{4, 1, 2, 3} {
		lbl := fmt.Sprintf("icols%d", n)
		e.w("")
		e.w("%s:", lbl)
		e.w("\tMOVD R3, R5 // column j's first output")
		e.w("\tMOVD R11, R12 // t[0][j]")
		e.w("\tMOVD $6, R6")
		e.w("")
		e.w("%s:", lbl+"col")
		e.w("\tMOVD R12, R7")
		for _, v := range x {
			e.w("\tVLD1 (R7), [V%d.S4]", v)
			e.w("\tADD $96, R7, R7")
		}
		bt6(e, x, y, 14, 15)
		e.w("\tMOVD R5, R13")
		for _, v := range y {
			if n == 4 {
				e.w("\tVST1 [V%d.S4], (R13)", v)
			} else {
				e.w("\tMOVD R13, R7")
				for lane := range n {
					e.w("\tVST1.P V%d.S[%d], 4(R7)", v, lane)
				}
			}
			e.w("\tADD R10, R13, R13")
		}
		e.w("\tADD R9, R5, R5")
		e.w("\tADD $16, R12, R12")
		e.w("\tSUB $1, R6, R6")
		e.w("\tCBNZ R6, %scol", lbl)
		if n == 4 {
			e.w("\tADD $64, R0, R0 // 4 tiles: 16 columns")
			e.w("\tADD $16, R3, R3")
			e.w("\tSUB $4, R2, R2")
			e.w("\tB iblock")
		} else {
			e.w("\tB idone // the last block")
		}
	}
	e.w("")
	e.w("idone:")
	e.w("\tRET")
}

// winograd4OutputNEON: h = M A row by row into V(4r)..V(4r+3) (M's row r
// loaded into those and V24, V25), then Y = A^T h column by column in
// place, so Y[i][j] is V(4i+j); bias V28, zero V29, the rows' old values
// V24-V27 (VLD4 splits them by column, VST4 interleaves the row back). A
// last block of 1..3 tiles first gathers its products lane by lane into
// the frame (4 lanes a product), which the loads then read instead of m,
// and turns each row of Y into one vector per tile (V20-V22), loaded and
// stored whole.
func winograd4OutputNEON(e *emitter) {
	e.w("// func winograd4OutputNEON(m *float32, stride, tw int, bias float32, flags int, dst *float32, ld int)")
	e.w("TEXT ·winograd4OutputNEON(SB), $576-56")
	e.w("\tMOVD m+0(FP), R0")
	e.w("\tMOVD stride+8(FP), R9")
	e.w("\tMOVD tw+16(FP), R2 // tiles left")
	e.w("\tMOVD $bias+24(FP), R6")
	e.w("\tVLD1R (R6), [V28.S4]")
	e.w("\tMOVD flags+32(FP), R12")
	e.w("\tMOVD dst+40(FP), R3")
	e.w("\tMOVD ld+48(FP), R10")
	e.w("\tLSL $2, R9, R9 // stride in bytes")
	e.w("\tLSL $2, R10, R10 // row stride in bytes")
	e.w("\tVEOR V29.B16, V29.B16, V29.B16")
	e.w("")
	e.w("oblock:")
	e.w("\tCMP $0, R2")
	e.w("\tBLE odone")
	e.w("\tMOVD R0, R7")
	e.w("\tCMP $4, R2")
	e.w("\tBGE oloads")
	e.w("\tMOVD $q-576(SP), R13 // the last block's products, 4 lanes each")
	e.w("\tMOVD $36, R6")
	e.w("\tCMP $2, R2")
	e.w("\tBLT ogather1")
	e.w("\tBEQ ogather2")
	for n := 3; n >= 1; n-- {
		e.w("")
		e.w("ogather%d:", n)
		e.w("\tMOVD R7, R14")
		for lane := range n {
			e.w("\tVLD1.P 4(R14), V0.S[%d]", lane)
		}
		e.w("\tVST1.P [V0.S4], 16(R13)")
		e.w("\tADD R9, R7, R7")
		e.w("\tSUB $1, R6, R6")
		e.w("\tCBNZ R6, ogather%d", n)
		e.w("\tB ogathered")
	}
	e.w("")
	e.w("ogathered:")
	e.w("\tMOVD $q-576(SP), R7")
	e.w("\tMOVD $16, R9 // (the last block: m's stride is not needed again)")
	e.w("")
	e.w("oloads:")
	for r := range 6 {
		x := [6]int{4 * r, 4*r + 1, 4*r + 2, 4*r + 3, 24, 25}
		for _, v := range x {
			e.w("\tVLD1 (R7), [V%d.S4]", v)
			e.w("\tADD R9, R7, R7")
		}
		at6(e, x, 26, 27)
	}
	for j := range 4 {
		at6(e, [6]int{j, 4 + j, 8 + j, 12 + j, 16 + j, 20 + j}, 26, 27)
	}
	e.w("\tCMP $4, R2")
	e.w("\tBLT opart")
	winograd4StoreBlock(e)
	winograd4StoreTiles(e)
	e.w("")
	e.w("odone:")
	e.w("\tRET")
}

// winograd4StoreBlock emits the stores of a whole block's rows of Y (bias,
// old values, ReLU) and moves on to the next block.
func winograd4StoreBlock(e *emitter) {
	e.w("\tMOVD R3, R4")
	for i := range 4 {
		lbl := func(s string) string { return s + string(rune('0'+i)) }
		for j := range 4 {
			e.w("\t%s", fadd(4*i+j, 4*i+j, 28))
		}
		e.w("\tTBZ $0, R12, %s // winoAccumulate", lbl("orelu"))
		e.w("\tVLD4 (R4), [V24.S4, V25.S4, V26.S4, V27.S4]")
		for j := range 4 {
			e.w("\t%s", fadd(4*i+j, 4*i+j, 24+j))
		}
		e.w("")
		e.w("%s:", lbl("orelu"))
		e.w("\tTBZ $1, R12, %s // winoReLU", lbl("ostore"))
		for j := range 4 { // 0 where y < 0; NaN and -0 stay
			e.w("\t%s", fcmlt0(30, 4*i+j))
			e.w("\tVBIT V30.B16, V29.B16, V%d.B16", 4*i+j)
		}
		e.w("")
		e.w("%s:", lbl("ostore"))
		e.w("\tVST4 [V%d.S4, V%d.S4, V%d.S4, V%d.S4], (R4)", 4*i, 4*i+1, 4*i+2, 4*i+3)
		e.w("\tADD R10, R4, R4")
	}
	e.w("\tADD $16, R0, R0")
	e.w("\tADD $64, R3, R3")
	e.w("\tSUB $4, R2, R2")
	e.w("\tB oblock")
}

// winograd4StoreTiles emits the stores of the last block's R2 (1..3)
// tiles: each row of Y becomes a vector per tile (V20-V22, through
// V16-V19), which gets the bias, its old values and the ReLU as in
// winograd4StoreBlock, element by element, and is stored whole.
func winograd4StoreTiles(e *emitter) {
	e.w("")
	e.w("opart:")
	e.w("\tMOVD R3, R4")
	for i := range 4 {
		lbl := func(s string) string { return s + string(rune('0'+i)) }
		a, b, c, d := 4*i, 4*i+1, 4*i+2, 4*i+3
		for j := range 4 {
			e.w("\t%s", fadd(4*i+j, 4*i+j, 28))
		}
		e.w("\tVZIP1 V%d.S4, V%d.S4, V16.S4 // a0 b0 a1 b1", b, a)
		e.w("\tVZIP2 V%d.S4, V%d.S4, V17.S4 // a2 b2 a3 b3", b, a)
		e.w("\tVZIP1 V%d.S4, V%d.S4, V18.S4 // c0 d0 c1 d1", d, c)
		e.w("\tVZIP2 V%d.S4, V%d.S4, V19.S4 // c2 d2 c3 d3", d, c)
		e.w("\tVZIP1 V18.D2, V16.D2, V20.D2 // tile 0")
		e.w("\tVZIP2 V18.D2, V16.D2, V21.D2 // tile 1")
		e.w("\tVZIP1 V19.D2, V17.D2, V22.D2 // tile 2")
		e.w("\tTBZ $0, R12, %s // winoAccumulate", lbl("prelu"))
		e.w("\tMOVD R4, R13")
		for t := range 3 {
			if t > 0 {
				e.w("\tCMP $%d, R2", t+1)
				e.w("\tBLT %s", lbl("prelu"))
			}
			e.w("\tVLD1.P 16(R13), [V24.S4]")
			e.w("\t%s", fadd(20+t, 20+t, 24))
		}
		e.w("")
		e.w("%s:", lbl("prelu"))
		e.w("\tTBZ $1, R12, %s // winoReLU", lbl("pstore"))
		for t := range 3 {
			e.w("\t%s", fcmlt0(30, 20+t))
			e.w("\tVBIT V30.B16, V29.B16, V%d.B16", 20+t)
		}
		e.w("")
		e.w("%s:", lbl("pstore"))
		e.w("\tMOVD R4, R13")
		for t := range 3 {
			if t > 0 {
				e.w("\tCMP $%d, R2", t+1)
				e.w("\tBLT %s", lbl("pnext"))
			}
			e.w("\tVST1.P [V%d.S4], 16(R13)", 20+t)
		}
		e.w("")
		e.w("%s:", lbl("pnext"))
		e.w("\tADD R10, R4, R4")
	}
}
