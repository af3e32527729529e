//go:build !purego

#include "textflag.h"

// func packBPanelsAVX2(dst, src *float32, kc, panels, nr, ldb int, alpha float32)
//
// For each of panels panels of nr columns (nr a multiple of 16), copies kc
// rows of src (row stride ldb floats) times alpha into dst, panel after
// panel, each row of a panel contiguous.
TEXT ·packBPanelsAVX2(SB), NOSPLIT, $0-52
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         kc+16(FP), R8
	MOVQ         panels+24(FP), R9
	MOVQ         nr+32(FP), R10
	MOVQ         ldb+40(FP), R11
	VBROADCASTSS alpha+48(FP), Y15
	SHLQ         $2, R10 // panel width in bytes
	SHLQ         $2, R11 // row stride in bytes
	TESTQ        R8, R8
	JE           done
	TESTQ        R9, R9
	JE           done

panel:
	MOVQ SI, AX // AX walks the rows of this panel
	MOVQ R8, CX

row:
	XORQ DX, DX
	LEAQ (AX)(R10*1), BX // the same row of the next panel

chunk:
	// The next panel reads the columns right after these: fetch them into
	// L2 now, so that they arrive while the tiles of this panel run.
	PREFETCHT1 (BX)(DX*1)
	VMULPS     (AX)(DX*1), Y15, Y0
	VMULPS     32(AX)(DX*1), Y15, Y1
	VMOVUPS    Y0, (DI)
	VMOVUPS    Y1, 32(DI)
	ADDQ       $64, DI
	ADDQ       $64, DX
	CMPQ       DX, R10
	JL         chunk
	ADDQ    R11, AX
	DECQ    CX
	JNZ     row
	ADDQ    R10, SI
	DECQ    R9
	JNZ     panel

done:
	VZEROUPPER
	RET
