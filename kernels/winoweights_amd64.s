//go:build !purego

#include "textflag.h"

// The Winograd weight transforms (kernels/winoweights.go) of one panel:
// the panel's places are the vector lanes. Every 2x and 4x is a doubling
// (exact, like the reference's multiply), and every add is the
// reference's, so each tier gives the reference's bits.
//
// Registers: SI the panel's tap 0 at the current places (tap j at SI +
// j*n*4: R8 = n*4, R9 = 3n*4, R10 = 5n*4, R11 = 7n*4), DI position 0's
// output (position q at DI + q*DX), AX and R12 the current output row's
// positions 0 and 3, R13 the row's scales, CX the blocks left.

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

// OUT stores Y times the row's scale k (byte offset) at dst; S scratch.
#define OUT(Y, k, S, dst) \
	VBROADCASTSS k(R13), S \
	VMULPS       S, Y, Y   \
	VMOVUPS      Y, dst

// ROW4 is one row of W = t G'^T for F(4x4) from A, B, C (row r of t),
// scaled and stored at positions 6r..6r+5; P, Q, Y, S scratch. It then
// moves AX, R12 and R13 to the next row.
#define ROW4(A, B, C, P, Q, Y, S) \
	LEAQ    (AX)(DX*2), R12       \
	ADDQ    DX, R12               \
	VMOVUPS A, Y                  \
	OUT(Y, 0, S, (AX))            \
	VADDPS  C, A, P               \
	VADDPS  B, P, Y               \
	OUT(Y, 4, S, (AX)(DX*1))      \
	VSUBPS  B, P, Y               \
	OUT(Y, 8, S, (AX)(DX*2))      \
	VADDPS  C, C, Q               \
	VADDPS  Q, Q, Q               \
	VADDPS  A, Q, Q               \
	VADDPS  B, B, P               \
	VADDPS  P, Q, Y               \
	OUT(Y, 12, S, (R12))          \
	VSUBPS  P, Q, Y               \
	OUT(Y, 16, S, (R12)(DX*1))    \
	VMOVUPS C, Y                  \
	OUT(Y, 20, S, (R12)(DX*2))    \
	LEAQ    (R12)(DX*2), AX       \
	ADDQ    DX, AX                \
	ADDQ    $24, R13

// ROW2 is one row of W for F(2x2): positions 4r..4r+3.
#define ROW2(A, B, C, P, Y, S) \
	LEAQ    (AX)(DX*2), R12       \
	ADDQ    DX, R12               \
	VMOVUPS A, Y                  \
	OUT(Y, 0, S, (AX))            \
	VADDPS  C, A, P               \
	VADDPS  B, P, Y               \
	OUT(Y, 4, S, (AX)(DX*1))      \
	VSUBPS  B, P, Y               \
	OUT(Y, 8, S, (AX)(DX*2))      \
	VMOVUPS C, Y                  \
	OUT(Y, 12, S, (R12))          \
	LEAQ    (R12)(DX*1), AX       \
	ADDQ    $16, R13

// T4ROW computes row r of t = G' g (all three columns) into A, B, C.
#define T4ROW(COL, A, B, C, U) \
	COL(G0, G3, G6, A, U) \
	COL(G1, G4, G7, B, U) \
	COL(G2, G5, G8, C, U)

#define SETUP \
	MOVQ raw+0(FP), SI      \
	MOVQ n+8(FP), R8        \
	SHLQ $2, R8             \
	LEAQ (R8)(R8*2), R9     \
	LEAQ (R8)(R8*4), R10    \
	LEAQ (R9)(R8*4), R11    \
	MOVQ blocks+16(FP), CX  \
	MOVQ dst+24(FP), DI     \
	MOVQ stride+32(FP), DX  \
	SHLQ $2, DX

// BODY4 transforms one vector of places for F(4x4) with registers of one
// width (Y or Z) and moves SI and DI on by width bytes.
#define BODY4(A, B, C, P, Q, Y, S, U, width) \
	MOVQ DI, AX                       \
	MOVQ scale+40(FP), R13            \
	T4ROW(COL0, A, B, C, U)           \
	ROW4(A, B, C, P, Q, Y, S)         \
	T4ROW(COL1, A, B, C, U)           \
	ROW4(A, B, C, P, Q, Y, S)         \
	T4ROW(COL2, A, B, C, U)           \
	ROW4(A, B, C, P, Q, Y, S)         \
	T4ROW(COL3, A, B, C, U)           \
	ROW4(A, B, C, P, Q, Y, S)         \
	T4ROW(COL4, A, B, C, U)           \
	ROW4(A, B, C, P, Q, Y, S)         \
	T4ROW(COL5, A, B, C, U)           \
	ROW4(A, B, C, P, Q, Y, S)         \
	ADDQ $width, SI                   \
	ADDQ $width, DI

#define BODY2(A, B, C, P, Y, S, U, width) \
	MOVQ DI, AX                       \
	MOVQ scale+40(FP), R13            \
	T4ROW(COL0, A, B, C, U)           \
	ROW2(A, B, C, P, Y, S)            \
	T4ROW(COL1, A, B, C, U)           \
	ROW2(A, B, C, P, Y, S)            \
	T4ROW(COL2, A, B, C, U)           \
	ROW2(A, B, C, P, Y, S)            \
	T4ROW(COL5, A, B, C, U)           \
	ROW2(A, B, C, P, Y, S)            \
	ADDQ $width, SI                   \
	ADDQ $width, DI

// func winoWeights4AVX512(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights4AVX512(SB), NOSPLIT, $0-48
	SETUP
loop:
	BODY4(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, 64)
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func winoWeights2AVX512(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights2AVX512(SB), NOSPLIT, $0-48
	SETUP
loop:
	BODY2(Z0, Z1, Z2, Z3, Z5, Z6, Z7, 64)
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func winoWeights4AVX2(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights4AVX2(SB), NOSPLIT, $0-48
	SETUP
loop:
	BODY4(Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, 32)
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET

// func winoWeights2AVX2(raw *float32, n, blocks int, dst *float32, stride int, scale *float32)
TEXT ·winoWeights2AVX2(SB), NOSPLIT, $0-48
	SETUP
loop:
	BODY2(Y0, Y1, Y2, Y3, Y5, Y6, Y7, 32)
	DECQ CX
	JNZ  loop
	VZEROUPPER
	RET
