#!/usr/bin/python3
"""Writes a small Pascal VOC dataset that retina synth did not make, to check
that `retina train` with default settings fine-tunes to a useful mAP in
minutes: letters A, K and R in DejaVu fonts pasted on crops of skimage's real
photos. Run by hand (never by CI):

    scripts/make-voc-letters.py OUT [--n 240] [--seed 1]

OUT gets JPEGImages/, Annotations/ and ImageSets/Main/trainval.txt."""
import argparse, glob, os, random
from xml.sax.saxutils import escape

import numpy as np
import skimage.data
from PIL import Image, ImageDraw, ImageFont

CLASSES = ["A", "K", "R"]
PHOTOS = ["astronaut", "coffee", "chelsea", "rocket", "hubble_deep_field", "immunohistochemistry",
          "camera", "horse", "grass", "gravel", "brick", "moon", "page", "text"]


def photos():
    out = []
    for name in PHOTOS:
        a = getattr(skimage.data, name)()
        if a.dtype != np.uint8:
            a = (a * 255).clip(0, 255).astype(np.uint8)
        if a.ndim == 2:
            a = np.stack([a] * 3, -1)
        out.append(Image.fromarray(a[..., :3]))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=240)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fonts = sorted(glob.glob("/usr/share/fonts/truetype/dejavu/*.ttf"))
    bgs = photos()
    for d in ("JPEGImages", "Annotations", "ImageSets/Main"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)
    ids = []
    for i in range(args.n):
        w, h = rng.choice([(320, 240), (240, 320), (288, 288)])
        bg = rng.choice(bgs)
        s = rng.uniform(0.3, 1.0)
        cw, ch = max(w, int(bg.width * s)), max(h, int(bg.height * s))
        big = bg.resize((cw, ch))
        x0, y0 = rng.randrange(cw - w + 1), rng.randrange(ch - h + 1)
        img = big.crop((x0, y0, x0 + w, y0 + h)).convert("RGB")
        draw = ImageDraw.Draw(img)
        objs = []
        for _ in range(rng.randint(1, 4)):
            c = rng.randrange(len(CLASSES))
            font = ImageFont.truetype(rng.choice(fonts), rng.randint(24, 130))
            box = draw.textbbox((0, 0), CLASSES[c], font=font)
            bw, bh = box[2] - box[0], box[3] - box[1]
            if bw >= w or bh >= h:
                continue
            x, y = rng.randrange(w - bw) - box[0], rng.randrange(h - bh) - box[1]
            color = tuple(rng.randrange(256) for _ in range(3))
            draw.text((x, y), CLASSES[c], font=font, fill=color,
                      stroke_width=rng.choice([0, 0, 2]), stroke_fill=tuple(255 - v for v in color))
            b = draw.textbbox((x, y), CLASSES[c], font=font)
            objs.append((c, max(0, b[0]), max(0, b[1]), min(w, b[2]), min(h, b[3])))
        name = "%06d" % i
        ids.append(name)
        img.save(os.path.join(args.out, "JPEGImages", name + ".jpg"), quality=90)
        with open(os.path.join(args.out, "Annotations", name + ".xml"), "w") as f:
            f.write("<annotation><filename>%s.jpg</filename><size><width>%d</width><height>%d</height><depth>3</depth></size>\n" % (name, w, h))
            for c, a, b, x2, y2 in objs:
                f.write("<object><name>%s</name><difficult>0</difficult><bndbox><xmin>%d</xmin><ymin>%d</ymin><xmax>%d</xmax><ymax>%d</ymax></bndbox></object>\n"
                        % (escape(CLASSES[c]), a + 1, b + 1, x2, y2))
            f.write("</annotation>\n")
    with open(os.path.join(args.out, "ImageSets/Main/trainval.txt"), "w") as f:
        f.write("\n".join(ids) + "\n")


if __name__ == "__main__":
    main()
