#!/usr/bin/env python3
"""Writes the golden fixtures of net/cocoeval: small COCO ground-truth and
results files and what pycocotools' COCOeval (iouType="bbox") reports for
them: the 12 summary numbers, the recall table, and per category the AP and
the precision at the 101 recall points at IoU .5 and .75 (area "all",
maxDets 100).

Run by hand (never by CI) where pycocotools is importable:

    /usr/bin/python3 tools/make_cocoeval_fixtures.py testdata/cocoeval

The cases are random but seeded, and built to reach the corners of the
evaluation: crowd regions, all three area ranges, score ties, more than 100
detections in an image, categories without ground truth, detections of
categories that are not in the ground truth, images without annotations,
a ground truth with id 0, and duplicates around each ground truth.
"""
import json
import os
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def rand_box(rng, size, scale):
    """A box [x, y, w, h] inside a size x size image, side about `scale`."""
    w = float(np.clip(rng.normal(scale, scale / 4), 2, size - 1))
    h = float(np.clip(w * rng.uniform(0.5, 2.0), 2, size - 1))
    x = float(rng.uniform(0, size - w))
    y = float(rng.uniform(0, size - h))
    return [round(x, 2), round(y, 2), round(w, 2), round(h, 2)]


def jitter(rng, box, amount):
    x, y, w, h = box
    dx, dy = rng.normal(0, amount * w), rng.normal(0, amount * h)
    sw, sh = np.exp(rng.normal(0, amount)), np.exp(rng.normal(0, amount))
    return [round(x + dx, 2), round(y + dy, 2), round(max(w * sw, 1), 2), round(max(h * sh, 1), 2)]


def make_case(seed, n_images, cat_ids, gt_cats, objs_per_image, fp_per_image, crowd_rate, tie_step,
              big_image=False, zero_id=False, stray_cat=None, empty_image=False, size=640):
    rng = np.random.default_rng(seed)
    images, anns, dts = [], [], []
    image_ids = list(rng.choice(np.arange(1, 1000), size=n_images, replace=False))
    rng.shuffle(image_ids)
    ann_id = 0 if zero_id else 1
    for n, img_id in enumerate(image_ids):
        img_id = int(img_id)
        images.append({"id": img_id, "width": size, "height": size, "file_name": "%d.jpg" % img_id})
        if empty_image and n == 0:
            k = 0
        else:
            k = int(rng.integers(0, objs_per_image + 1))
        for _ in range(k):
            cat = int(rng.choice(gt_cats))
            scale = float(rng.choice([12, 24, 45, 70, 140, 260]))
            box = rand_box(rng, size, scale)
            crowd = int(rng.uniform() < crowd_rate)
            # COCO's area is the segmentation's; make it differ from w*h a little.
            area = round(box[2] * box[3] * float(rng.uniform(0.6, 1.0)), 2)
            anns.append({"id": ann_id, "image_id": img_id, "category_id": cat, "bbox": box,
                         "area": area, "iscrowd": crowd})
            ann_id += 1
            if zero_id and ann_id == 1:  # make sure the id-0 object is found
                dts.append({"image_id": img_id, "category_id": cat, "bbox": list(box), "score": 0.97})
            if crowd_rate and not crowd and rng.uniform() < crowd_rate:
                # A crowd region around an object: a detection on the object
                # overlaps the region more than the object itself.
                x, y, w, h = box
                region = [round(x - w / 4, 2), round(y - h / 4, 2), round(w * 1.5, 2), round(h * 1.5, 2)]
                anns.append({"id": ann_id, "image_id": img_id, "category_id": cat, "bbox": region,
                             "area": round(region[2] * region[3], 2), "iscrowd": 1})
                ann_id += 1
            for _ in range(int(rng.integers(0, 3))):  # detections near it, some duplicates
                s = float(rng.uniform(0.05, 1.0))
                if tie_step:
                    s = round(round(s / tie_step) * tie_step, 4)
                c = cat if rng.uniform() < 0.9 else int(rng.choice(cat_ids))
                dts.append({"image_id": img_id, "category_id": c, "bbox": jitter(rng, box, float(rng.choice([0.02, 0.08, 0.2]))),
                            "score": s})
        n_fp = int(rng.integers(0, fp_per_image + 1))
        if big_image and n == 1:
            n_fp = 130  # past maxDets 100
        for _ in range(n_fp):
            s = float(rng.uniform(0.01, 0.9))
            if tie_step:
                s = round(round(s / tie_step) * tie_step, 4)
            c = int(rng.choice(cat_ids))
            if stray_cat is not None and rng.uniform() < 0.1:
                c = stray_cat
            dts.append({"image_id": img_id, "category_id": c,
                        "bbox": rand_box(rng, size, float(rng.choice([10, 30, 80, 200]))), "score": s})
    cats = [{"id": c, "name": "class%d" % c} for c in cat_ids]
    return {"images": images, "categories": cats, "annotations": anns}, dts


def evaluate(gt_path, dt_path):
    gt = COCO(gt_path)
    dt = gt.loadRes(dt_path)
    E = COCOeval(gt, dt, iouType="bbox")
    E.evaluate()
    E.accumulate()
    E.summarize()
    prec = E.eval["precision"]  # [T, R, K, A, M]
    p = E.params
    t50 = int(np.where(p.iouThrs == .5)[0][0])
    t75 = int(np.where(p.iouThrs == .75)[0][0])
    per_class = []
    for k, cid in enumerate(p.catIds):
        def mean(s):
            s = s[s > -1]
            return float(np.mean(s)) if len(s) else -1.0
        per_class.append({
            "category_id": int(cid),
            "ap": mean(prec[:, :, k, 0, 2]),
            "ap50": mean(prec[t50, :, k, 0, 2]),
            "ap75": mean(prec[t75, :, k, 0, 2]),
            "pr50": prec[t50, :, k, 0, 2].tolist(),
            "pr75": prec[t75, :, k, 0, 2].tolist(),
        })
    return {"stats": [float(s) for s in E.stats], "recall": E.eval["recall"].tolist(), "per_class": per_class}


CASES = {
    # name: keyword arguments of make_case
    "basic": dict(seed=1, n_images=3, cat_ids=[1, 2], gt_cats=[1, 2], objs_per_image=6, fp_per_image=4,
                  crowd_rate=0.0, tie_step=0),
    "crowd_ties_gaps": dict(seed=2, n_images=5, cat_ids=[1, 3, 7, 9], gt_cats=[1, 3, 7], objs_per_image=8,
                            fp_per_image=6, crowd_rate=0.2, tie_step=0.1, stray_cat=42, empty_image=True),
    "maxdets_cut": dict(seed=3, n_images=3, cat_ids=[5], gt_cats=[5], objs_per_image=10, fp_per_image=10,
                        crowd_rate=0.1, tie_step=0.05, big_image=True),
    "zero_id": dict(seed=4, n_images=2, cat_ids=[1, 2], gt_cats=[1, 2], objs_per_image=5, fp_per_image=3,
                    crowd_rate=0.0, tie_step=0, zero_id=True),
    "many_images": dict(seed=5, n_images=12, cat_ids=[2, 4, 6], gt_cats=[2, 4, 6], objs_per_image=4,
                        fp_per_image=3, crowd_rate=0.1, tie_step=0.25),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "testdata/cocoeval"
    for name, kw in CASES.items():
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        gt, dts = make_case(**kw)
        gt_path, dt_path = os.path.join(d, "gt.json"), os.path.join(d, "dt.json")
        with open(gt_path, "w") as f:
            json.dump(gt, f, separators=(",", ":"))
        with open(dt_path, "w") as f:
            json.dump(dts, f, separators=(",", ":"))
        want = evaluate(gt_path, dt_path)
        with open(os.path.join(d, "want.json"), "w") as f:
            json.dump(want, f, separators=(",", ":"))
        print(name, len(gt["annotations"]), "gt", len(dts), "dt", ["%.4f" % s for s in want["stats"]])


if __name__ == "__main__":
    main()
