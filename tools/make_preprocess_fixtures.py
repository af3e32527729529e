#!/usr/bin/python3
"""Golden fixtures for net/preprocess, made with torchvision 0.14 / PyTorch 1.13.

Run by hand (never by CI) from the repository root:
    /usr/bin/python3 tools/make_preprocess_fixtures.py

Writes testdata/preprocess/:
  *.png        small crops of skimage's sample photos (RGB, RGBA, gray, palette)
  *.f32        the tensors GeneralizedRCNNTransform makes of them, CHW, padded,
               float32 little-endian
  cases.json   the list of tensor cases, the resize-size table (torch's own
               ops on many sizes) and resize_boxes results
"""
import json
import math
import os

import numpy as np
import torch
import torchvision.transforms.functional as F
from PIL import Image
from torchvision.models.detection.transform import GeneralizedRCNNTransform, resize_boxes

SK = "/usr/lib/python3/dist-packages/skimage/data/"
OUT = "testdata/preprocess"
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def crop(name, box, mode):
    img = Image.open(SK + name).convert("RGB").crop(box)
    if mode == "L":
        img = img.convert("L")
    elif mode == "P":
        img = img.convert("P", palette=Image.ADAPTIVE, colors=64)
    elif mode == "RGBA":
        img = img.convert("RGBA")
        a = np.array(img)
        a[..., 3] = np.linspace(40, 255, a.shape[1], dtype=np.uint8)[None, :]
        img = Image.fromarray(a, "RGBA")
    return img


def tensor_case(name, src, box, mode, min_size, max_size, fixed=None):
    img = crop(src, box, mode)
    png = name + ".png"
    img.save(os.path.join(OUT, png), optimize=True)
    # What a torchvision user does: open, convert("RGB"), to_tensor.
    rgb = Image.open(os.path.join(OUT, png)).convert("RGB")
    t = GeneralizedRCNNTransform(min_size, max_size, MEAN, STD, fixed_size=fixed).eval()
    with torch.no_grad():
        il, _ = t([F.to_tensor(rgb)])
    x = il.tensors[0].contiguous().numpy().astype("<f4")
    x.tofile(os.path.join(OUT, name + ".f32"))
    rh, rw = il.image_sizes[0]
    return {
        "name": name, "png": png, "min_size": min_size, "max_size": max_size,
        "fixed": list(fixed) if fixed else None,
        "orig": [rgb.width, rgb.height], "resized": [rw, rh],
        "padded": [x.shape[2], x.shape[1]],
    }


def torch_resized_size(w, h, min_size, max_size):
    # The same ops as _resize_image_and_masks and interpolate, without
    # allocating the image.
    im_shape = torch.tensor([h, w])
    mn = torch.min(im_shape).to(dtype=torch.float32)
    mx = torch.max(im_shape).to(dtype=torch.float32)
    scale = torch.min(float(min_size) / mn, float(max_size) / mx).item()
    return int(math.floor(float(w) * scale)), int(math.floor(float(h) * scale))


def real_resized_size(w, h, min_size, max_size):
    t = GeneralizedRCNNTransform(min_size, max_size, MEAN, STD).eval()
    with torch.no_grad():
        il, _ = t([torch.zeros(3, h, w)])
    rh, rw = il.image_sizes[0]
    return rw, rh


def sizes():
    rng = np.random.default_rng(7)
    out = []
    common = [(640, 480), (480, 640), (1920, 1080), (1280, 720), (320, 240), (500, 375), (612, 612), (1, 1), (1, 5000), (4000, 3)]
    for w, h in common:
        for mn, mx in [(800, 1333), (320, 320), (512, 853), (600, 1000)]:
            out.append((w, h, mn, mx))
    while len(out) < 600:
        w, h = int(rng.integers(1, 4000)), int(rng.integers(1, 4000))
        mn, mx = int(rng.integers(1, 1400)), int(rng.integers(1, 2400))
        out.append((w, h, mn, mx))
    # Sizes where a plain float32 division min_size/side would give another size.
    for w in range(1, 2000, 3):
        h = 1 + (w * 7919) % 1999
        a = np.float32(800) / np.float32(min(w, h))
        b = np.float32(1333) / np.float32(max(w, h))
        s = float(min(a, b))
        if (math.floor(w * s), math.floor(h * s)) != torch_resized_size(w, h, 800, 1333):
            out.append((w, h, 800, 1333))
    rows = []
    for i, (w, h, mn, mx) in enumerate(out):
        rw, rh = torch_resized_size(w, h, mn, mx)
        if i % 40 == 0 and w * h * max(rw * rh, 1) < 4e12 and rw * rh < 4e6:
            assert (rw, rh) == real_resized_size(w, h, mn, mx), (w, h, mn, mx)
        rows.append([w, h, mn, mx, rw, rh])
    return rows


def boxes():
    torch.manual_seed(3)
    out = []
    for (ow, oh, rw, rh) in [(640, 480, 800, 600), (37, 23, 64, 39), (1333, 7, 1333, 7), (333, 1000, 266, 800)]:
        b = torch.rand(5, 4) * torch.tensor([rw, rh, rw, rh], dtype=torch.float32)
        r = resize_boxes(b, (rh, rw), (oh, ow))
        out.append({"orig": [ow, oh], "resized": [rw, rh], "in": b.tolist(), "out": r.tolist()})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = [
        tensor_case("astronaut_down", "astronaut.png", (200, 100, 264, 148), "RGB", 40, 70),
        tensor_case("coffee_up", "coffee.png", (300, 150, 337, 173), "RGB", 40, 70),
        tensor_case("chelsea_portrait_gray", "chelsea.png", (150, 60, 181, 105), "L", 40, 70),
        tensor_case("astronaut_wide_palette", "astronaut.png", (50, 300, 120, 320), "P", 40, 77),
        # An exact 2x downscale: every weight is 0.5, sums often tie.
        tensor_case("chelsea_half", "chelsea.png", (200, 120, 248, 152), "RGB", 16, 24),
        tensor_case("coffee_alpha_fixed", "coffee.png", (100, 100, 145, 131), "RGBA", 800, 1333, fixed=(32, 40)),
    ]
    doc = {"mean": MEAN, "std": STD, "cases": cases, "sizes": sizes(), "boxes": boxes()}
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
