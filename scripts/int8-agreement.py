#!/usr/bin/python3
"""How many of a float model's detections its int8 model reproduces.
Usage: int8-agreement.py FLOAT.jsonl INT8.jsonl [--score 0.3] [--iou 0.9]
Both files are `retina detect --json` outputs over the same images. Every
float detection scoring >= --score counts; it is matched when an int8
detection of the same class overlaps it at IoU >= --iou (each int8
detection matches at most one float detection, best IoU first). Prints the
matched count and fraction, also at IoU 0.5 for context."""
import argparse
import sys

from detjson import iou, load


def matched(floats, ints, score, thresh):
    pairs = []
    for i, f in enumerate(floats):
        if f["score"] < score:
            continue
        for j, q in enumerate(ints):
            if q["class"] == f["class"]:
                v = iou(f["box"], q["box"])
                if v >= thresh:
                    pairs.append((v, i, j))
    used_f, used_q = set(), set()
    for v, i, j in sorted(pairs, reverse=True):
        if i not in used_f and j not in used_q:
            used_f.add(i)
            used_q.add(j)
    return len(used_f)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("float")
    p.add_argument("int8")
    p.add_argument("--score", type=float, default=0.3)
    p.add_argument("--iou", type=float, default=0.9)
    a = p.parse_args()
    fs, qs = load(a.float), load(a.int8)
    if [r["image"] for r in fs] != [r["image"] for r in qs] or not fs:
        sys.exit("the two runs cover different images")
    total = sum(1 for r in fs for d in r["detections"] if d["score"] >= a.score)
    at = {t: sum(matched(f["detections"], q["detections"], a.score, t) for f, q in zip(fs, qs)) for t in (a.iou, 0.5)}
    print(f"{len(fs)} images, {total} float detections with score >= {a.score}: "
          f"{at[a.iou]} ({100 * at[a.iou] / max(total, 1):.1f}%) matched by int8 at IoU >= {a.iou}, "
          f"{at[0.5]} ({100 * at[0.5] / max(total, 1):.1f}%) at IoU >= 0.5")


if __name__ == "__main__":
    main()
