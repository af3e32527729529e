#!/usr/bin/python3
"""Compare two `retina detect --json` outputs image by image (CI: amd64 vs the
arm binaries under qemu, whose kernel tiers sum in other orders).
Usage: compare-detections.py A.jsonl B.jsonl
Each expected detection must be matched by one of the same class with a score
within 1e-4 and IoU >= 0.999 (or corners within 1e-3 px for degenerate boxes);
the counts must be equal. Prints a summary line; exits 1 on any difference."""
import sys

from detjson import iou, load


def same(e, g):
    if e["class"] != g["class"] or abs(e["score"] - g["score"]) > 1e-4:
        return False
    return iou(e["box"], g["box"]) >= 0.999 or all(abs(x - y) <= 1e-3 for x, y in zip(e["box"], g["box"]))


a, b = load(sys.argv[1]), load(sys.argv[2])
bad = 0
if [r["image"] for r in a] != [r["image"] for r in b] or not a:
    print("the two runs cover different images:", [r["image"] for r in a], [r["image"] for r in b])
    sys.exit(1)
total = 0
for ra, rb in zip(a, b):
    used = set()
    for e in ra["detections"]:
        total += 1
        j = next((j for j, g in enumerate(rb["detections"]) if j not in used and same(e, g)), None)
        if j is None:
            bad += 1
        else:
            used.add(j)
    if len(ra["detections"]) != len(rb["detections"]):
        bad += 1
        print(f'{ra["image"]}: {len(ra["detections"])} vs {len(rb["detections"])} detections')
print(f"{sys.argv[1]} vs {sys.argv[2]}: {total - bad} of {total} detections match")
sys.exit(1 if bad else 0)
