//go:build !purego

#include "textflag.h"

// The Winograd weight transforms (kernels/winoweights.go) of one panel:
// the panel's places are the vector lanes. Every 2x and 4x is a doubling
// (exact, like the reference's multiply), and every add is the
// reference's, so each tier gives the reference's bits.
//
// The kernels write one output row of positions (6 for F(4x4), 4 for
// F(2x2)) at a time over all the panel's places, so that the stores go
// to a few streams, not to all 36 positions at each place; the row's
// scales stay in registers.
//
// Registers: SI the panel's tap 0 at the current places (tap j at SI +
// j*n*4: R8 = n*4, R9 = 3n*4, R10 = 5n*4, R11 = 7n*4), BX the current
// row's position 0 at the places' start (position q at dst + q*DX), AX
// and R12 the row's positions 0 and 3 at the current places, R13 the
// scales, CX the blocks left.

#define G0 (SI)
#define G1 (SI)(R8*1)
#define G2 (SI)(R8*2)
#define G3 (SI)(R9*1)
#define G4 (SI)(R8*4)
#define G5 (SI)(R10*1)
#define G6 (SI)(R9*2)
#define G7 (SI)(R11*1)
#define G8 (SI)(R8*8)

// The rows of G' x for one column x0, x1, x2 (memory) into T; U scratch.
#define COL0(x0, x1, x2, T, U) \
	VMOVUPS x0, T

#define COL1(x0, x1, x2, T, U) \
	VMOVUPS x0, T      \
	VADDPS  x2, T, T   \
	VADDPS  x1, T, T

#define COL2(x0, x1, x2, T, U) \
	VMOVUPS x0, T      \
	VADDPS  x2, T, T   \
	VSUBPS  x1, T, T

#define COL3(x0, x1, x2, T, U) \
	VMOVUPS x2, U      \
	VADDPS  U, U, U    \
	VADDPS  U, U, U    \
	VADDPS  x0, U, T   \
	VMOVUPS x1, U      \
	VADDPS  U, U, U    \
	VADDPS  U, T, T

#define COL4(x0, x1, x2, T, U) \
	VMOVUPS x2, U      \
	VADDPS  U, U, U    \
	VADDPS  U, U, U    \
	VADDPS  x0, U, T   \
	VMOVUPS x1, U      \
	VADDPS  U, U, U    \
	VSUBPS  U, T, T

#define COL5(x0, x1, x2, T, U) \
	VMOVUPS x2, T

// ST stores Y times the scale in S at dst.
#define ST(Y, S, dst) \
	VMULPS  S, Y, Y \
	VMOVUPS Y, dst

// W4 is one row of W = t G'^T for F(4x4) from A, B, C (row r of t) at
// the current places, scaled by S0..S5 and stored at the row's positions
// (AX: 0..2, R12: 3..5); P, Q, Y scratch.
#define W4(A, B, C, P, Q, Y, S0, S1, S2, S3, S4, S5) \
	VMOVUPS A, Y                  \
	ST(Y, S0, (AX))               \
	VADDPS  C, A, P               \
	VADDPS  B, P, Y               \
	ST(Y, S1, (AX)(DX*1))         \
	VSUBPS  B, P, Y               \
	ST(Y, S2, (AX)(DX*2))         \
	VADDPS  C, C, Q               \
	VADDPS  Q, Q, Q               \
	VADDPS  A, Q, Q               \
	VADDPS  B, B, P               \
	VADDPS  P, Q, Y               \
	ST(Y, S3, (R12))              \
	VSUBPS  P, Q, Y               \
	ST(Y, S4, (R12)(DX*1))        \
	VMOVUPS C, Y                  \
	ST(Y, S5, (R12)(DX*2))

// W2 is one row of W for F(2x2): positions 0..2 at AX, 3 at R12.
#define W2(A, B, C, P, Y, S0, S1, S2, S3) \
	VMOVUPS A, Y                  \
	ST(Y, S0, (AX))               \
	VADDPS  C, A, P               \
	VADDPS  B, P, Y               \
	ST(Y, S1, (AX)(DX*1))         \
	VSUBPS  B, P, Y               \
	ST(Y, S2, (AX)(DX*2))         \
	VMOVUPS C, Y                  \
	ST(Y, S3, (R12))

// T4ROW computes row r of t = G' g (all three columns) into A, B, C.
#define T4ROW(COL, A, B, C, U) \
	COL(G0, G3, G6, A, U) \
	COL(G1, G4, G7, B, U) \
	COL(G2, G5, G8, C, U)

#define SETUP \
	MOVQ n+8(FP), R8        \
	SHLQ $2, R8             \
	LEAQ (R8)(R8*2), R9     \
	LEAQ (R8)(R8*4), R10    \
	LEAQ (R8)(R8*4), R11    \
	ADDQ R8, R11            \
	ADDQ R8, R11            \
	MOVQ dst+24(FP), BX     \
	MOVQ stride+32(FP), DX  \
	SHLQ $2, DX             \
	MOVQ scale+40(FP), R13

// ROWSTART points SI at the places' start, AX and R12 at the row's
// positions 0 and 3 (BX: its position 0), CX at the blocks.
#define ROWSTART \
	MOVQ raw+0(FP), SI      \
	MOVQ blocks+16(FP), CX  \
	MOVQ BX, AX             \
	LEAQ (AX)(DX*2), R12    \
	ADDQ DX, R12

// ROWNEXT moves on width bytes of places.
#define ROWNEXT(width) \
	ADDQ $width, SI   \
	ADDQ $width, AX   \
	ADDQ $width, R12

// ROW4LOOP is row r (its column rows by COL, its scales from byte k of
// R13) of F(4x4) over every block: one output row of six positions
// written place after place.
#define ROW4LOOP(COL, k, label, A, B, C, P, Q, Y, U, S0, S1, S2, S3, S4, S5, width) \
	ROWSTART                         \
	VBROADCASTSS k+0(R13), S0        \
	VBROADCASTSS k+4(R13), S1        \
	VBROADCASTSS k+8(R13), S2        \
	VBROADCASTSS k+12(R13), S3       \
	VBROADCASTSS k+16(R13), S4       \
	VBROADCASTSS k+20(R13), S5       \
label:                               \
	T4ROW(COL, A, B, C, U)           \
	W4(A, B, C, P, Q, Y, S0, S1, S2, S3, S4, S5) \
	ROWNEXT(width)                   \
	DECQ CX                          \
	JNZ  label                       \
	LEAQ (BX)(DX*4), BX              \
	LEAQ (BX)(DX*2), BX

#define ROW2LOOP(COL, k, label, A, B, C, P, Y, U, S0, S1, S2, S3, width) \
	ROWSTART                         \
	VBROADCASTSS k+0(R13), S0        \
	VBROADCASTSS k+4(R13), S1        \
	VBROADCASTSS k+8(R13), S2        \
	VBROADCASTSS k+12(R13), S3       \
label:                               \
	T4ROW(COL, A, B, C, U)           \
	W2(A, B, C, P, Y, S0, S1, S2, S3) \
	ROWNEXT(width)                   \
	DECQ CX                          \
	JNZ  label                       \
	LEAQ (BX)(DX*4), BX

// func winoWeights4AVX512(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights4AVX512(SB), NOSPLIT, $0-48
	SETUP
	ROW4LOOP(COL0, 0, row0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z8, Z9, Z10, Z11, Z12, Z13, 64)
	ROW4LOOP(COL1, 24, row1, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z8, Z9, Z10, Z11, Z12, Z13, 64)
	ROW4LOOP(COL2, 48, row2, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z8, Z9, Z10, Z11, Z12, Z13, 64)
	ROW4LOOP(COL3, 72, row3, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z8, Z9, Z10, Z11, Z12, Z13, 64)
	ROW4LOOP(COL4, 96, row4, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z8, Z9, Z10, Z11, Z12, Z13, 64)
	ROW4LOOP(COL5, 120, row5, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z8, Z9, Z10, Z11, Z12, Z13, 64)
	VZEROUPPER
	RET

// func winoWeights2AVX512(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights2AVX512(SB), NOSPLIT, $0-48
	SETUP
	ROW2LOOP(COL0, 0, row0, Z0, Z1, Z2, Z3, Z5, Z6, Z8, Z9, Z10, Z11, 64)
	ROW2LOOP(COL1, 16, row1, Z0, Z1, Z2, Z3, Z5, Z6, Z8, Z9, Z10, Z11, 64)
	ROW2LOOP(COL2, 32, row2, Z0, Z1, Z2, Z3, Z5, Z6, Z8, Z9, Z10, Z11, 64)
	ROW2LOOP(COL5, 48, row3, Z0, Z1, Z2, Z3, Z5, Z6, Z8, Z9, Z10, Z11, 64)
	VZEROUPPER
	RET

// func winoWeights4AVX2(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights4AVX2(SB), NOSPLIT, $0-48
	SETUP
	ROW4LOOP(COL0, 0, row0, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y8, Y9, Y10, Y11, Y12, Y13, 32)
	ROW4LOOP(COL1, 24, row1, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y8, Y9, Y10, Y11, Y12, Y13, 32)
	ROW4LOOP(COL2, 48, row2, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y8, Y9, Y10, Y11, Y12, Y13, 32)
	ROW4LOOP(COL3, 72, row3, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y8, Y9, Y10, Y11, Y12, Y13, 32)
	ROW4LOOP(COL4, 96, row4, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y8, Y9, Y10, Y11, Y12, Y13, 32)
	ROW4LOOP(COL5, 120, row5, Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y8, Y9, Y10, Y11, Y12, Y13, 32)
	VZEROUPPER
	RET

// func winoWeights2AVX2(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights2AVX2(SB), NOSPLIT, $0-48
	SETUP
	ROW2LOOP(COL0, 0, row0, Y0, Y1, Y2, Y3, Y5, Y6, Y8, Y9, Y10, Y11, 32)
	ROW2LOOP(COL1, 16, row1, Y0, Y1, Y2, Y3, Y5, Y6, Y8, Y9, Y10, Y11, 32)
	ROW2LOOP(COL2, 32, row2, Y0, Y1, Y2, Y3, Y5, Y6, Y8, Y9, Y10, Y11, 32)
	ROW2LOOP(COL5, 48, row3, Y0, Y1, Y2, Y3, Y5, Y6, Y8, Y9, Y10, Y11, 32)
	VZEROUPPER
	RET
