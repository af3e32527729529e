#!/usr/bin/python3
"""Writes testdata/golden/NAME.detect.safetensors and detections.json:
torchvision's own end-to-end detections (GeneralizedRCNNTransform, backbone,
heads, postprocess_detections) of the tiny golden models on the committed test
photos, for net/detect's test. The models' last layers are first rescaled so
that scores spread over (0, 1) (logits ~ N(-4, 1.5)) and boxes move (deltas ~
N(0, 0.3)): random weights alone saturate scores at 1.0, where ties make the
order undefined.

Run by hand after tools/make_golden.py, with Debian's python3:
    /usr/bin/python3 tools/make_detect_golden.py
Images are opened with PIL and converted to RGB, as torchvision users do.
"""
import json
import os
import sys

import torch
import torchvision.transforms.functional as TF
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden  # noqa: E402  (the tiny models' builders)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
IMAGES = ["testdata/images/coffee.png", "testdata/images/astronaut.jpg"]
# P7 must be larger than 1x1 for GroupNorm (torch refuses one value per group).
SIZES = {"basic_v1": (96, 160), "bottleneck_v2": (200, 320)}


def calibrate(model, images):
    """Rescale cls_logits and bbox_reg so their outputs have the spread above."""
    seen = {"cls": [], "reg": []}
    cls = model.head.classification_head.cls_logits
    reg = model.head.regression_head.bbox_reg
    hooks = [cls.register_forward_hook(lambda m, i, o: seen["cls"].append(o.flatten())),
             reg.register_forward_hook(lambda m, i, o: seen["reg"].append(o.flatten()))]
    with torch.no_grad():
        model(images)
    for h in hooks:
        h.remove()
    with torch.no_grad():
        c, r = torch.cat(seen["cls"]), torch.cat(seen["reg"])
        cls.weight.mul_(1.5 / c.std())
        cls.bias.copy_((cls.bias - c.mean()) * 1.5 / c.std() - 4.0)
        reg.weight.mul_(0.3 / r.std())
        reg.bias.mul_(0.3 / r.std())


def main():
    out = {}
    images = [TF.to_tensor(Image.open(os.path.join(ROOT, p)).convert("RGB")) for p in IMAGES]
    for spec in make_golden.SPECS:
        name = spec["name"]
        model, outs = make_golden.build(spec)
        model.load_state_dict(torch.load(os.path.join(make_golden.OUT, name + ".pth")))
        lo, hi = SIZES[name]
        model.transform.min_size, model.transform.max_size = (lo,), hi
        model.score_thresh, model.nms_thresh, model.detections_per_img, model.topk_candidates = 0.05, 0.5, 300, 1000
        model.eval()
        calibrate(model, images)
        params = [(k, v) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")]
        cfg = json.loads(make_golden.config_json(spec, outs))
        cfg["min_size"], cfg["max_size"] = lo, hi
        meta = {"format": "retina-float-v1", "retina": json.dumps(cfg)}
        make_golden.write_safetensors(os.path.join(make_golden.OUT, name + ".detect.safetensors"), params, meta)
        for path, img in zip(IMAGES, images):
            with torch.no_grad():
                r = model([img])[0]
            dets = [{"class": int(l), "score": float(s), "box": [float(v) for v in b]}
                    for b, s, l in zip(r["boxes"], r["scores"], r["labels"])]
            out.setdefault(name, {})[os.path.basename(path)] = dets
            print(name, path, len(dets), "detections; top", [round(d["score"], 3) for d in dets[:3]])
    with open(os.path.join(make_golden.OUT, "detections.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
