#!/usr/bin/python3
"""Make the fixtures under testdata/import/ for net/safetensors and net/torchimport.

Run by hand (never by CI) with Debian's PyTorch 1.13 / torchvision 0.14:
    /usr/bin/python3 tools/make_import_fixtures.py
"""
import json
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "import")


def write_python_safetensors(path):
    """A safetensors file written by hand from the format description (no
    library), so the Go reader is checked against an independent writer.
    Names are deliberately not in data order and the separators are Python's."""
    entries = [  # name, dtype, shape, struct format, values
        ("weights.f32", "F32", [2, 3], "<6f", [1.5, -2.0, 0.25, 3.0e-3, 65504.0, -0.0]),
        ("half.f16", "F16", [5], "<5e", [1.0, -0.5, 6.103515625e-05, 5.960464477539063e-08, float("inf")]),
        ("brain.bf16", "BF16", [3], "<3H", [0x3F80, 0xC040, 0x3EAA]),  # 1, -3, 0.33203125
        ("double.f64", "F64", [2], "<2d", [0.1, -1e300]),
        ("bytes.i8", "I8", [4], "<4b", [-128, -1, 0, 127]),
        ("counts.i32", "I32", [2, 2], "<4i", [-2147483648, -7, 7, 2147483647]),
        ("big.i64", "I64", [1], "<q", [1 << 40]),
        ("pixels.u8", "U8", [3], "<3B", [0, 128, 255]),
        ("flags.bool", "BOOL", [2], "<2?", [True, False]),
        ("scalar.f32", "F32", [], "<f", [42.0]),
        ("empty.f32", "F32", [0, 3], "<0f", []),
    ]
    header, data = {}, b""
    for name, dtype, shape, fmt, values in entries:
        blob = struct.pack(fmt, *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    header["__metadata__"] = {"format": "pt", "writer": "python struct"}
    text = json.dumps(header).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    write_python_safetensors(os.path.join(OUT, "python.safetensors"))


if __name__ == "__main__":
    sys.exit(main())
