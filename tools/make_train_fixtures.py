#!/usr/bin/python3
"""Writes testdata/train/: tiny RetinaNets in torchvision 0.14's structure
(built by tools/make_golden.py's helpers, FrozenBatchNorm2d everywhere as
resnet_fpn_backbone uses it), two images with targets, and what torchvision
computes in train mode: the loss dict and, after backward of the summed
losses, the gradients of parameters.

Run by hand with Debian's python3 (PyTorch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/make_train_fixtures.py
For each case NAME it writes
    NAME.safetensors        the retina model file (format retina-float-v1)
    NAME.train.safetensors  "input" (N x 3 x H x W, already transformed: the
                            model's backbone, anchor generator, head and
                            compute_loss are called directly, bypassing
                            GeneralizedRCNNTransform), per image i "boxes.i"
                            (M x 4, may be 0 x 4) and "labels.i" (M, as
                            float32), "loss" ([classification, bbox_regression])
                            and "grad.<state_dict name>" for the saved
                            gradients; metadata "box_loss" and "image_sizes"
"""
import json
import math
import os
import sys

import torch
from torchvision.models.detection.image_list import ImageList

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_golden  # noqa: E402  (the tiny-model builder and safetensors writer)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "train")

CASES = [
    # v1: basic blocks, P6 from P5, plain heads, L1 box loss; the second
    # image has no ground truth (every anchor background).
    dict(name="basic_v1_l1", seed=11, block="basic", layers=[2, 1, 1, 1], stem=8, widths=[8, 8, 12, 16],
         frozen_bn=True, fpn=8, p6_from_c5=False, group_norm=False, head_convs=2, classes=3,
         input=(2, 64, 96), image_sizes=[(64, 96), (57, 90)], box_loss="l1",
         boxes=[[[4, 6, 40, 38], [30, 20, 90, 60], [50, 2, 62, 14], [10, 40, 30, 62.5]], []],
         labels=[[0, 2, 1, 1], []], grads="all"),
    # v2: bottleneck blocks, P6 from C5, GroupNorm(32) heads, GIoU box loss;
    # odd sizes exercise nearest upsampling; one box in the second image.
    dict(name="bottleneck_v2_giou", seed=12, block="bottleneck", layers=[1, 1, 1, 1], stem=8, widths=[4, 4, 6, 6],
         frozen_bn=True, fpn=32, p6_from_c5=True, group_norm=True, head_convs=1, classes=3,
         input=(2, 80, 70), image_sizes=[(80, 70), (80, 70)], box_loss="giou",
         boxes=[[[3, 5, 35, 41], [20, 30, 68, 78], [40, 4, 60, 20]], [[10, 12, 50, 44]]],
         labels=[[2, 0, 1], [1]],
         grads=["backbone.body.conv1.weight", "backbone.body.layer1.0.conv1.weight",
                "backbone.body.layer2.0.downsample.0.weight", "backbone.body.layer4.0.conv3.weight",
                "backbone.fpn.inner_blocks.0.0.weight", "backbone.fpn.inner_blocks.0.0.bias",
                "backbone.fpn.layer_blocks.1.0.bias", "backbone.fpn.extra_blocks.p6.weight",
                "backbone.fpn.extra_blocks.p6.bias",  # (P7 is 1x1 here: GroupNorm of one value gives it no gradient)
                "head.classification_head.conv.0.1.weight", "head.classification_head.conv.0.1.bias",
                "head.regression_head.conv.0.1.weight",
                "head.classification_head.cls_logits.weight", "head.classification_head.cls_logits.bias",
                "head.regression_head.bbox_reg.weight", "head.regression_head.bbox_reg.bias"]),
]


def write_loss_cases():
    """losses.safetensors: torchvision's box losses per anchor (each type,
    value and gradient with respect to the deltas) and sigmoid_focal_loss per
    logit for several (alpha, gamma), value and gradient."""
    from torchvision.models.detection import _utils as det_utils
    from torchvision.ops import sigmoid_focal_loss
    g = torch.Generator().manual_seed(7)
    m = 24
    ctr = torch.rand((m, 2), generator=g) * 100
    size = 8 + torch.rand((m, 2), generator=g) * 60
    anchors = torch.cat([ctr - size / 2, ctr + size / 2], dim=1).round()
    gt = anchors + torch.randn((m, 4), generator=g) * 6
    gt[:, 2:] = torch.maximum(gt[:, 2:], gt[:, :2] + 1)
    gt[5] = anchors[5] + 200  # disjoint from its prediction: GIoU's enclosing term alone
    deltas = torch.randn((m, 4), generator=g) * 0.3
    deltas[3, 2] = 4.5  # above log(1000/16): clamped, no gradient
    coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
    out = [("anchors", anchors), ("gt", gt), ("deltas", deltas)]
    for kind, cnf in [("l1", None), ("smooth_l1", {"beta": 0.11}), ("smooth_l1_b0", {"beta": 0.0}),
                      ("giou", None), ("diou", None), ("ciou", None)]:
        losses, grads = [], []
        for i in range(m):
            d = deltas[i:i + 1].clone().requires_grad_(True)
            loss = det_utils._box_loss(kind.replace("_b0", ""), coder, anchors[i:i + 1], gt[i:i + 1], d, cnf)
            loss.backward()
            losses.append(loss.detach())
            grads.append(d.grad[0])
        out += [("loss." + kind, torch.stack(losses)), ("grad." + kind, torch.stack(grads))]
    x = torch.randn(64, generator=g) * 4
    x[0], x[1] = 30.0, -30.0  # saturated sigmoids
    t = (torch.rand(64, generator=g) < 0.3).to(torch.float32)
    out += [("logits", x), ("targets", t)]
    for i, (alpha, gamma) in enumerate(FOCAL):
        xx = x.clone().requires_grad_(True)
        loss = sigmoid_focal_loss(xx, t, alpha=alpha, gamma=gamma, reduction="none")
        loss.sum().backward()
        out += [("focal.%d" % i, loss.detach()), ("focal_grad.%d" % i, xx.grad)]
    meta = {"focal": json.dumps(FOCAL)}
    make_golden.write_safetensors(os.path.join(OUT, "losses.safetensors"), out, meta)


FOCAL = [[0.25, 2.0], [0.5, 0.0], [-1.0, 1.5], [0.9, 3.0]]


def main():
    os.makedirs(OUT, exist_ok=True)
    for case in CASES:
        model, outs = make_golden.build(case)
        model.head.regression_head._loss_type = case["box_loss"]
        with torch.no_grad():  # the prior-initialised class bias, as in training, plus noise
            bias = model.head.classification_head.cls_logits.bias
            g = torch.Generator().manual_seed(case["seed"])
            bias.copy_(-math.log(99) + 0.5 * torch.randn(bias.shape, generator=g))
        model.train()
        sd = model.state_dict()
        params = [(k, v) for k, v in sd.items() if not k.endswith("num_batches_tracked")]
        meta = {"format": "retina-float-v1", "retina": make_golden.config_json(case, outs)}
        make_golden.write_safetensors(os.path.join(OUT, case["name"] + ".safetensors"), params, meta)

        n, h, w = case["input"]
        x = torch.randn((n, 3, h, w), generator=torch.Generator().manual_seed(case["seed"] + 100))
        targets = [{"boxes": torch.tensor(b, dtype=torch.float32).reshape(-1, 4),
                    "labels": torch.tensor(l, dtype=torch.int64)} for b, l in zip(case["boxes"], case["labels"])]
        model.zero_grad()
        features = list(model.backbone(x).values())
        head_outputs = model.head(features)
        anchors = model.anchor_generator(ImageList(x, case["image_sizes"]), features)
        losses = model.compute_loss(targets, head_outputs, anchors)
        total = losses["classification"] + losses["bbox_regression"]
        total.backward()

        named = dict(model.named_parameters())
        names = [k for k, _ in params if k in named] if case["grads"] == "all" else case["grads"]
        io = [("input", x)]
        for i, t in enumerate(targets):
            io += [("boxes.%d" % i, t["boxes"]), ("labels.%d" % i, t["labels"].to(torch.float32))]
        io.append(("loss", torch.stack([losses["classification"], losses["bbox_regression"]]).detach()))
        for k in names:
            io.append(("grad." + k, named[k].grad))
        extra = {"box_loss": case["box_loss"], "image_sizes": json.dumps(case["image_sizes"])}
        make_golden.write_safetensors(os.path.join(OUT, case["name"] + ".train.safetensors"), io, extra)
        print(case["name"], {k: float(v) for k, v in losses.items()}, "grads", len(names))
    write_loss_cases()
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("testdata/train total bytes", total)
    assert total < 1 << 20


if __name__ == "__main__":
    main()
