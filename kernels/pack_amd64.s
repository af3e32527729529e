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

// func packA6Rows(dst, src *float32, k, lda int)
//
// Interleaves 6 rows of src (row stride lda floats) into dst, k steps of 6.
TEXT ·packA6Rows(SB), NOSPLIT, $0-32
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  k+16(FP), CX
	MOVQ  lda+24(FP), R8
	SHLQ  $2, R8                // row stride in bytes
	LEAQ  (SI)(R8*2), R9
	ADDQ  R8, R9                // R9 = row 3
	TESTQ CX, CX
	JE    a6done

a6loop:
	MOVL (SI), AX
	MOVL (SI)(R8*1), BX
	MOVL (SI)(R8*2), DX
	MOVL (R9), R10
	MOVL (R9)(R8*1), R11
	MOVL (R9)(R8*2), R12
	MOVL AX, (DI)
	MOVL BX, 4(DI)
	MOVL DX, 8(DI)
	MOVL R10, 12(DI)
	MOVL R11, 16(DI)
	MOVL R12, 20(DI)
	ADDQ $4, SI
	ADDQ $4, R9
	ADDQ $24, DI
	DECQ CX
	JNZ  a6loop

a6done:
	RET

// func prefetchRowsT0(p *float32, rows, ld, cols int)
//
// PREFETCHT0 of each cache line of rows rows of cols floats, stride ld.
TEXT ·prefetchRowsT0(SB), NOSPLIT, $0-32
	MOVQ  p+0(FP), SI
	MOVQ  rows+8(FP), CX
	MOVQ  ld+16(FP), R8
	MOVQ  cols+24(FP), R9
	SHLQ  $2, R8
	SHLQ  $2, R9
	TESTQ CX, CX
	JE    pfdone

pfrow:
	XORQ DX, DX

pfline:
	PREFETCHT0 (SI)(DX*1)
	ADDQ       $64, DX
	CMPQ       DX, R9
	JL         pfline
	PREFETCHT0 -4(SI)(R9*1) // the last line when the row is not aligned
	ADDQ       R8, SI
	DECQ       CX
	JNZ        pfrow

pfdone:
	RET

// func packBEdgeAVX2(dst, src *float32, kc, cols, nr, ldb int, alpha float32, mask *int32)
//
// Packs the partial last panel of a B block: for each of kc rows of src
// (row stride ldb floats), alpha times its first cols values, then zeros
// up to nr (a multiple of 8, cols < nr), into dst, rows contiguous. The
// last cols%8 values load under the VMASKMOVPS mask at mask, which reads
// nothing past them.
TEXT ·packBEdgeAVX2(SB), NOSPLIT, $0-64
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         kc+16(FP), CX
	MOVQ         cols+24(FP), R9
	MOVQ         nr+32(FP), R10
	MOVQ         ldb+40(FP), R11
	VBROADCASTSS alpha+48(FP), Y15
	MOVQ         mask+56(FP), AX
	VMOVDQU      (AX), Y14
	VXORPS       Y13, Y13, Y13
	SHLQ         $2, R10  // panel width in bytes
	SHLQ         $2, R11  // row stride in bytes
	MOVQ         R9, R12
	ANDQ         $-8, R12
	SHLQ         $2, R12  // bytes in whole vectors
	ANDQ         $7, R9   // values in the masked vector
	TESTQ        CX, CX
	JE           edgedone

edgerow:
	XORQ DX, DX
	CMPQ DX, R12
	JGE  edgepart

edgewhole:
	VMULPS  (SI)(DX*1), Y15, Y0
	VMOVUPS Y0, (DI)(DX*1)
	ADDQ    $32, DX
	CMPQ    DX, R12
	JL      edgewhole

edgepart:
	TESTQ      R9, R9
	JE         edgezero
	VMASKMOVPS (SI)(DX*1), Y14, Y0
	VMULPS     Y0, Y15, Y0
	VANDPS     Y0, Y14, Y0 // +0 past cols, whatever alpha's sign
	VMOVUPS    Y0, (DI)(DX*1)
	ADDQ       $32, DX

edgezero:
	CMPQ    DX, R10
	JGE     edgenext
	VMOVUPS Y13, (DI)(DX*1)
	ADDQ    $32, DX
	JMP     edgezero

edgenext:
	ADDQ R11, SI
	ADDQ R10, DI
	DECQ CX
	JNZ  edgerow

edgedone:
	VZEROUPPER
	RET
