package torchimport

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// pickleArg describes how an opcode's inline argument is encoded.
type pickleArg int

const (
	argNone   pickleArg = iota
	argFixed            // fixed number of bytes
	argLine             // one newline-terminated line
	argLines2           // two newline-terminated lines (GLOBAL, INST)
	argLen1             // 1-byte length, then that many bytes
	argLen4             // 4-byte little-endian length, then that many bytes
	argLen8             // 8-byte little-endian length, then that many bytes
)

// maxLongBytes bounds LONG4 integers: decoding one costs time quadratic in
// its length, and no state_dict holds an integer anywhere near this wide.
const maxLongBytes = 1024

type opcodeInfo struct {
	kind pickleArg
	size int // for argFixed
}

// pickleOpcodes lists every opcode of pickle protocols 0-5 with its argument.
var pickleOpcodes = map[byte]opcodeInfo{
	'(': {}, '.': {}, '0': {}, '1': {}, '2': {}, 'N': {}, 'Q': {}, 'R': {}, 'a': {}, 'b': {},
	'd': {}, '}': {}, 'e': {}, 'l': {}, ']': {}, 'o': {}, 's': {}, 't': {}, ')': {}, 'u': {},
	0x81: {}, 0x85: {}, 0x86: {}, 0x87: {}, 0x88: {}, 0x89: {}, 0x8f: {}, 0x90: {}, 0x91: {},
	0x92: {}, 0x93: {}, 0x94: {}, 0x97: {}, 0x98: {},
	'F': {kind: argLine}, 'I': {kind: argLine}, 'L': {kind: argLine}, 'P': {kind: argLine},
	'S': {kind: argLine}, 'V': {kind: argLine}, 'g': {kind: argLine}, 'p': {kind: argLine},
	'c': {kind: argLines2}, 'i': {kind: argLines2},
	'J': {argFixed, 4}, 'K': {argFixed, 1}, 'M': {argFixed, 2}, 'G': {argFixed, 8},
	'h': {argFixed, 1}, 'j': {argFixed, 4}, 'q': {argFixed, 1}, 'r': {argFixed, 4},
	0x80: {argFixed, 1}, 0x82: {argFixed, 1}, 0x83: {argFixed, 2}, 0x84: {argFixed, 4},
	0x95: {argFixed, 8}, // FRAME: its contents are ordinary opcodes that follow
	'T':  {kind: argLen4}, 'X': {kind: argLen4}, 'B': {kind: argLen4}, 0x8b: {kind: argLen4},
	'U': {kind: argLen1}, 'C': {kind: argLen1}, 0x8c: {kind: argLen1}, 0x8a: {kind: argLen1},
	0x8d: {kind: argLen8}, 0x8e: {kind: argLen8}, 0x96: {kind: argLen8},
}

// scanPickle walks one pickle's opcodes up to and including STOP and returns
// its length. It checks that every length-prefixed argument and frame fits in
// the bytes that remain, because the unpickler allocates whatever a length
// field claims before reading: a forged length must fail here, not there.
func scanPickle(p []byte) (int, error) {
	pos := 0
	for pos < len(p) {
		op := p[pos]
		info, ok := pickleOpcodes[op]
		if !ok {
			return 0, fmt.Errorf("pickle: unknown opcode 0x%02x at byte %d", op, pos)
		}
		pos++
		rest := len(p) - pos
		n := 0
		switch info.kind {
		case argFixed:
			n = info.size
		case argLine, argLines2:
			lines := 1
			if info.kind == argLines2 {
				lines = 2
			}
			for l := 0; l < lines; l++ {
				i := bytes.IndexByte(p[pos+n:], '\n')
				if i < 0 {
					return 0, fmt.Errorf("pickle: opcode 0x%02x at byte %d: unterminated line", op, pos-1)
				}
				n += i + 1
			}
		case argLen1, argLen4, argLen8:
			w := map[pickleArg]int{argLen1: 1, argLen4: 4, argLen8: 8}[info.kind]
			if rest < w {
				return 0, fmt.Errorf("pickle: truncated at byte %d", pos)
			}
			var length uint64
			switch w {
			case 1:
				length = uint64(p[pos])
			case 4:
				length = uint64(binary.LittleEndian.Uint32(p[pos:]))
			case 8:
				length = binary.LittleEndian.Uint64(p[pos:])
			}
			if length > uint64(rest-w) {
				return 0, fmt.Errorf("pickle: opcode 0x%02x at byte %d claims %d bytes, only %d remain", op, pos-1, length, rest-w)
			}
			if op == 0x8b && length > maxLongBytes {
				return 0, fmt.Errorf("pickle: LONG4 at byte %d has %d bytes, more than a checkpoint needs", pos-1, length)
			}
			n = w + int(length)
		}
		if n > rest {
			return 0, fmt.Errorf("pickle: truncated at byte %d", pos)
		}
		if op == 0x95 && binary.LittleEndian.Uint64(p[pos:]) > uint64(rest-8) {
			return 0, fmt.Errorf("pickle: frame at byte %d is longer than the data", pos-1)
		}
		pos += n
		if op == '.' {
			return pos, nil
		}
	}
	return 0, fmt.Errorf("pickle: no STOP opcode before the end of the data")
}
