#!/usr/bin/env python3
"""A seeded torchvision ImageNet classifier checkpoint and its backbone features on one input.

Run by net/torchimport's TestImportBackboneMatchesTorchvision (needs python3-torch and
python3-torchvision; under `go test -short` the test skips). Nothing is committed: a
resnet18 state_dict is 45 MB, so the test makes it in a temporary folder each time.

  /usr/bin/python3 tools/make_backbone_parity.py --arch resnet18 --input x.f32 --height H --width W --out DIR

writes DIR/backbone.pth (torch.save of the model's state_dict, fc included, as torchvision's
ImageNet checkpoints are) and DIR/c3.f32, c4.f32, c5.f32: layer2..layer4's outputs (1 x C x h x w,
float32 little-endian) for the 1 x 3 x H x W float32 input x.f32, in eval mode. The batch norms get
seeded random weights and running statistics, so that a wrong name or a wrong fold would show.
"""
import argparse
import os

import numpy as np
import torch
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--arch", default="resnet18")
    ap.add_argument("--input", required=True)
    ap.add_argument("--height", type=int, required=True)
    ap.add_argument("--width", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    m = getattr(torchvision.models, a.arch)(weights=None)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 2.0)
    m.eval()
    os.makedirs(a.out, exist_ok=True)
    torch.save(m.state_dict(), os.path.join(a.out, "backbone.pth"))
    x = torch.from_numpy(np.fromfile(a.input, dtype="<f4").reshape(1, 3, a.height, a.width))
    with torch.no_grad():
        y = m.maxpool(m.relu(m.bn1(m.conv1(x))))
        y = m.layer1(y)
        feats = {}
        for name in ("layer2", "layer3", "layer4"):
            y = getattr(m, name)(y)
            feats[name] = y
    for name, f in zip(("c3", "c4", "c5"), feats.values()):
        f.numpy().astype("<f4").tofile(os.path.join(a.out, name + ".f32"))


if __name__ == "__main__":
    main()
