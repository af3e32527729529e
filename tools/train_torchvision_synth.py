#!/usr/bin/python3
"""Trains torchvision 0.14's RetinaNet ResNet-18-FPN from scratch in PyTorch on
a COCO-format dataset (e.g. `retina synth`) and saves its state_dict as a
.pth that `retina import` reads: a torchvision checkpoint with trained, not
random, weights, for measuring what int8 quantization does to a real
torchvision model (see README, "The int8 network").

The backbone trains with ordinary BatchNorm2d; the saved running statistics
are what torchvision's FrozenBatchNorm2d (and retina's import) apply.
Labels are the COCO category ids (1..K), so the head has K+1 classes with
class 0 unused, as torchvision's COCO models.

Run by hand with Debian's python3 (never by CI):
    /usr/bin/python3 tools/train_torchvision_synth.py --data DIR/annotations.json \
        --steps 1500 --out r18-synth.pth
"""
import argparse
import json
import math
import os
import random
import time

import torch
from torchvision.io import read_image
from torchvision.models import resnet
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.retinanet import RetinaNet
from torchvision.ops.feature_pyramid_network import LastLevelP6P7


def build(classes, size):
    body = resnet.resnet18(weights=None, norm_layer=torch.nn.BatchNorm2d)
    backbone = _resnet_fpn_extractor(body, 5, returned_layers=[2, 3, 4],
                                     extra_blocks=LastLevelP6P7(256, 256))
    return RetinaNet(backbone, num_classes=classes, min_size=size, max_size=size)


def load(path):
    ann = json.load(open(path))
    root = os.path.dirname(path)
    boxes = {im["id"]: [] for im in ann["images"]}
    for a in ann["annotations"]:
        if not a.get("iscrowd"):
            x, y, w, h = a["bbox"]
            boxes[a["image_id"]].append(([x, y, x + w, y + h], a["category_id"]))
    samples = [(os.path.join(root, im["file_name"]), boxes[im["id"]]) for im in ann["images"]]
    return samples, max(c["id"] for c in ann["categories"]) + 1


def batch(samples, rng, n):
    xs, targets = [], []
    for path, objs in rng.sample(samples, n):
        x = read_image(path).float() / 255
        b = torch.tensor([o[0] for o in objs], dtype=torch.float32).reshape(-1, 4)
        labels = torch.tensor([o[1] for o in objs], dtype=torch.int64)
        if rng.random() < 0.5:
            x = x.flip(-1)
            w = x.shape[-1]
            b = torch.stack([w - b[:, 2], b[:, 1], w - b[:, 0], b[:, 3]], dim=1)
        xs.append(x)
        targets.append({"boxes": b, "labels": labels})
    return xs, targets


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", required=True, help="COCO annotations.json")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="the .pth to write")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = random.Random(a.seed)
    samples, classes = load(a.data)
    model = build(classes, a.size).train()
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.05)
    warmup = min(300, a.steps // 10)
    start = time.time()
    for step in range(1, a.steps + 1):
        f = step / warmup if step <= warmup else 0.5 * (1 + math.cos(math.pi * (step - warmup) / (a.steps - warmup)))
        for g in opt.param_groups:
            g["lr"] = a.lr * max(f, 1e-3)
        xs, targets = batch(samples, rng, a.batch)
        losses = model(xs, targets)
        loss = losses["classification"] + losses["bbox_regression"]
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 10.0)
        opt.step()
        if step % 50 == 0 or step == a.steps:
            print("step %d/%d loss %.4f (cls %.4f box %.4f) %.2f s/step" % (
                step, a.steps, float(loss), float(losses["classification"]), float(losses["bbox_regression"]),
                (time.time() - start) / step), flush=True)
    state = {k: v for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    tmp = a.out + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, a.out)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
