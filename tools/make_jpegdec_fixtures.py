#!/usr/bin/python3
"""Make the golden fixtures of net/jpegdec (run by hand, never by CI).

Writes small JPEG files to testdata/jpegdec/ and, in manifest.json, the
SHA-256 of the RGB bytes PIL decodes from each (Image.open(p).convert("RGB"),
Pillow 9.4 over libjpeg-turbo 2.1.5 on Debian 12). Files come from PIL's own
encoder (4:4:4, 4:2:2, 4:2:0, progressive, grayscale, CMYK) and from cjpeg of
libjpeg-turbo-progs (4:4:0, 4:1:1 and other sampling factors, restart
intervals, RGB colour space, custom scan scripts), plus a few files edited
by hand (YCCK, 12-bit, lossless, arithmetic, truncated) that must decode or
fail as PIL does. Also crops the real photos of skimage/data into
testdata/jpegdec/photo_*.jpg (see PHOTO_CROPS) and records PIL's decode.
With --photos it redoes only those.

Needs: apt-get install -y libjpeg-turbo-progs python3-pil python3-skimage
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "testdata", "jpegdec")
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"

SIZES = [(37, 23), (64, 48), (17, 9), (1, 1), (250, 7), (2, 3), (3, 2), (5, 33), (33, 1)]


def source(w, h, seed):
    """A crop of a real photo with some noise, so blocks have many AC terms."""
    names = ["astronaut.png", "coffee.png", "chelsea.png"]
    im = Image.open(os.path.join(SKIMAGE, names[seed % len(names)])).convert("RGB")
    x0 = (seed * 53) % (im.width - w) if im.width > w else 0
    y0 = (seed * 31) % (im.height - h) if im.height > h else 0
    a = np.asarray(im.crop((x0, y0, x0 + w, y0 + h))).astype(np.int32)
    rng = np.random.default_rng(seed)
    a = np.clip(a + rng.integers(-12, 13, a.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(a, "RGB")


def pil_rgb_sha(data):
    im = Image.open(io.BytesIO(data))
    rgb = im.convert("RGB")
    return rgb.width, rgb.height, hashlib.sha256(rgb.tobytes()).hexdigest()


def cjpeg(img, args):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.ppm")
        img.save(src)
        return subprocess.run(["cjpeg"] + args + [src], check=True, capture_output=True).stdout


def scans_file(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
    f.write(text)
    f.close()
    return f.name


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".jpg"):
            os.remove(os.path.join(OUT, f))
    cases = {}

    def add(name, data):
        cases[name] = data

    seed = 0
    for w, h in SIZES:
        for sub, tag in ((0, "444"), (1, "422"), (2, "420")):
            for q in (75, 95):
                seed += 1
                b = io.BytesIO()
                source(w, h, seed).save(b, "JPEG", quality=q, subsampling=sub)
                add(f"pil_{tag}_q{q}_{w}x{h}.jpg", b.getvalue())
        seed += 1
        b = io.BytesIO()
        source(w, h, seed).save(b, "JPEG", quality=85, subsampling=2, progressive=True)
        add(f"pil_420_progressive_{w}x{h}.jpg", b.getvalue())
        seed += 1
        b = io.BytesIO()
        source(w, h, seed).convert("L").save(b, "JPEG", quality=90)
        add(f"pil_gray_{w}x{h}.jpg", b.getvalue())
        seed += 1
        b = io.BytesIO()
        source(w, h, seed).convert("CMYK").save(b, "JPEG", quality=90)
        add(f"pil_cmyk_{w}x{h}.jpg", b.getvalue())
        for samp, tag in (("1x2", "440"), ("4x1", "411"), ("2x2,1x1,2x1", "mixed"),
                          ("1x1,2x2,2x2", "chromabig"), ("4x2", "410"), ("3x1", "311")):
            seed += 1
            add(f"cjpeg_{tag}_{w}x{h}.jpg", cjpeg(source(w, h, seed), ["-quality", "88", "-sample", samp]))

    big = (96, 80)
    for samp, tag in (("2x2", "420"), ("2x1", "422"), ("1x2", "440"), ("1x1", "444")):
        seed += 1
        add(f"cjpeg_{tag}_restart2_{big[0]}x{big[1]}.jpg",
            cjpeg(source(*big, seed), ["-quality", "80", "-sample", samp, "-restart", "2B"]))
        seed += 1
        add(f"cjpeg_{tag}_progressive_restart1_{big[0]}x{big[1]}.jpg",
            cjpeg(source(*big, seed), ["-quality", "80", "-sample", samp, "-progressive", "-restart", "1"]))
        seed += 1
        add(f"cjpeg_{tag}_q100_{big[0]}x{big[1]}.jpg",
            cjpeg(source(*big, seed), ["-quality", "100", "-sample", samp]))
    seed += 1
    add("cjpeg_rgb_41x27.jpg", cjpeg(source(41, 27, seed), ["-quality", "90", "-rgb"]))
    seed += 1
    add("cjpeg_rgb_progressive_41x27.jpg", cjpeg(source(41, 27, seed), ["-quality", "90", "-rgb", "-progressive"]))
    seed += 1
    add("cjpeg_gray_progressive_restart_45x31.jpg",
        cjpeg(source(45, 31, seed), ["-quality", "70", "-grayscale", "-progressive", "-restart", "3B"]))
    seed += 1
    add("cjpeg_optimize_420_53x41.jpg", cjpeg(source(53, 41, seed), ["-quality", "60", "-optimize"]))
    # Noise at quality 100: coefficients far out, exercising the clamps.
    rng = np.random.default_rng(7)
    noise = Image.fromarray(rng.integers(0, 256, (40, 56, 3), dtype=np.uint8), "RGB")
    for samp, tag in (("2x2", "420"), ("1x1", "444"), ("1x2", "440")):
        add(f"cjpeg_noise_{tag}_q100_56x40.jpg", cjpeg(noise, ["-quality", "100", "-sample", samp]))
    # One component per scan: a multi-scan sequential file.
    sep = scans_file("0;\n1;\n2;\n")
    seed += 1
    add("cjpeg_separate_scans_420_38x26.jpg", cjpeg(source(38, 26, seed), ["-quality", "85", "-scans", sep]))
    # Progressive scripts: full successive approximation, and one that never
    # refines the last bit (libjpeg may then smooth blocks).
    full = scans_file("0,1,2: 0-0, 0, 1;\n0: 1-5, 0, 2;\n2: 1-63, 0, 1;\n1: 1-63, 0, 1;\n0: 6-63, 0, 2;\n"
                      "0: 1-63, 2, 1;\n0,1,2: 0-0, 1, 0;\n2: 1-63, 1, 0;\n1: 1-63, 1, 0;\n0: 1-63, 1, 0;\n")
    seed += 1
    add("cjpeg_progressive_script_420_61x43.jpg", cjpeg(source(61, 43, seed), ["-quality", "85", "-scans", full]))
    partial = scans_file("0,1,2: 0-0, 0, 1;\n0: 1-63, 0, 1;\n1: 1-63, 0, 0;\n2: 1-63, 0, 0;\n")
    seed += 1
    add("cjpeg_progressive_unrefined_420_61x43.jpg", cjpeg(source(61, 43, seed), ["-quality", "85", "-scans", partial]))
    dconly = scans_file("0,1,2: 0-0, 0, 0;\n")
    seed += 1
    add("cjpeg_progressive_dconly_420_61x43.jpg", cjpeg(source(61, 43, seed), ["-quality", "85", "-scans", dconly]))
    # Smoothing with two block rows per iMCU row, a partial last iMCU row
    # and coefficients never sent at all (libjpeg's coef_bits of -1).
    seed += 1
    tall = source(120, 90, seed)
    bands = scans_file("0,1,2: 0-0, 0, 0;\n0: 1-2, 0, 0;\n")
    for samp, tag in (("2x2", "420"), ("1x2", "440")):
        add(f"cjpeg_progressive_dconly_{tag}_120x90.jpg", cjpeg(tall, ["-quality", "80", "-sample", samp, "-scans", dconly]))
        add(f"cjpeg_progressive_unrefined_{tag}_120x90.jpg", cjpeg(tall, ["-quality", "80", "-sample", samp, "-scans", partial]))
        add(f"cjpeg_progressive_twobands_{tag}_120x90.jpg", cjpeg(tall, ["-quality", "80", "-sample", samp, "-scans", bands]))
    gray1 = scans_file("0: 0-0, 0, 1;\n0: 1-63, 0, 1;\n")
    add("cjpeg_progressive_unrefined_gray_45x31.jpg", cjpeg(source(45, 31, seed).convert("L"), ["-quality", "80", "-scans", gray1]))
    # YCCK: a CMYK file whose Adobe transform flag is set to 2.
    cm = bytearray(cases["pil_cmyk_37x23.jpg"])
    i = cm.find(b"Adobe")
    cm[i + 11] = 2
    add("edit_ycck_37x23.jpg", bytes(cm))
    # No Huffman tables: libjpeg-turbo falls back to the standard ones.
    add("edit_no_dht_420_64x48.jpg", strip_dht(cjpeg(source(64, 48, 99), ["-quality", "75"])))

    manifest = {"decodes": {}, "fails": {}, "photos": {}}
    for name, data in sorted(cases.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        w, h, sha = pil_rgb_sha(data)
        manifest["decodes"][name] = {"width": w, "height": h, "sha256": sha}

    base = cases["pil_420_q75_37x23.jpg"]
    fails = {
        "fail_truncated_420_37x23.jpg": base[: len(base) * 2 // 3],
        "fail_12bit_37x23.jpg": set_sof(base, precision=12),
        "fail_lossless_37x23.jpg": set_sof(base, marker=0xC3),
        "fail_arithmetic_37x23.jpg": cjpeg(source(37, 23, 5), ["-arithmetic"]),
    }
    for name, data in sorted(fails.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        try:
            Image.open(io.BytesIO(data)).convert("RGB")
            err = None
        except Exception as e:  # PIL must refuse these too
            err = str(e)
        if err is None and "arithmetic" not in name:
            sys.exit(f"PIL decoded {name}")
        manifest["fails"][name] = {"pil_error": err}

    photos(manifest)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"{len(cases)} decodes, {len(fails)} failures, {total} bytes")


# The real photos in skimage/data (public domain or CC0: NASA's Hubble deep
# field, SpaceX's rocket launch, Mikael Häggström's retina), cropped to
# 320x240 by jpegtran without recompression (-copy all keeps every marker:
# ICC, Adobe, EXIF), so the committed files keep each camera's and editor's
# own coding: quantization tables, sampling and markers. truncated.jpg is
# copied whole.
PHOTO_CROPS = {
    "hubble_deep_field.jpg": "320x240+320+320",
    "retina.jpg": "320x240+96+576",
    "rocket.jpg": "320x240+160+96",
    "truncated.jpg": None,
}


def photos(manifest):
    manifest["photos"] = {}
    for name, crop in PHOTO_CROPS.items():
        src = os.path.join(SKIMAGE, name)
        if crop:
            data = subprocess.run(["jpegtran", "-copy", "all", "-crop", crop, src], check=True, capture_output=True).stdout
        else:
            with open(src, "rb") as f:
                data = f.read()
        out = "photo_" + name
        with open(os.path.join(OUT, out), "wb") as f:
            f.write(data)
        try:
            w, h, sha = pil_rgb_sha(data)
            manifest["photos"][out] = {"width": w, "height": h, "sha256": sha}
        except Exception as e:
            manifest["photos"][out] = {"pil_error": str(e)}


def segments(data):
    """Yields (offset, marker, length) of the marker segments before SOS."""
    i = 2
    while i < len(data):
        m = data[i + 1]
        n = data[i + 2] << 8 | data[i + 3]
        yield i, m, n
        if m == 0xDA:
            return
        i += 2 + n


def strip_dht(data):
    out, last = bytearray(data[:2]), 2
    for i, m, n in segments(data):
        if m == 0xC4:
            out += data[last:i]
            last = i + 2 + n
    out += data[last:]
    return bytes(out)


def set_sof(data, precision=None, marker=None):
    b = bytearray(data)
    for i, m, n in segments(data):
        if m in (0xC0, 0xC1, 0xC2):
            if precision is not None:
                b[i + 4] = precision
            if marker is not None:
                b[i + 1] = marker
    return bytes(b)


if __name__ == "__main__":
    if sys.argv[1:] == ["--photos"]:  # only the photos, keeping the rest of the manifest
        path = os.path.join(OUT, "manifest.json")
        with open(path) as f:
            manifest = json.load(f)
        photos(manifest)
        with open(path, "w") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.write("\n")
    else:
        main()
