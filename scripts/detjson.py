"""Shared helpers for the scripts that read `retina detect --json` output."""
import json


def load(path):
    """The JSON lines of a detect --json run (log lines skipped)."""
    return [json.loads(l) for l in open(path) if l.strip().startswith("{")]


def iou(a, b):
    """Intersection over union of two [x1, y1, x2, y2] boxes."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
