#!/usr/bin/python3
"""Writes testdata/golden/: tiny RetinaNets built from torchvision 0.14's own
modules (same module names, so the same state_dict names), with seeded random
weights and random batch-norm statistics, and their raw head outputs.

Run by hand with Debian's python3 (PyTorch 1.13, torchvision 0.14):
    /usr/bin/python3 tools/make_golden.py
For each model NAME it writes
    NAME.safetensors      the retina model file (format retina-float-v1)
    NAME.pth              the same state_dict saved by torch.save (for the importer)
    NAME.io.safetensors   "input" (N x 3 x H x W) and per level l = 0..4 (P3..P7)
                          "cls_logits.l" (N x A*K x H x W) and "bbox_deltas.l" (N x A*4 x H x W);
                          metadata "state_dict_order": the state_dict's names in order
"""
import json
import math
import os
import struct
from collections import OrderedDict
from functools import partial

import torch
from torch import nn
from torchvision.models import resnet
from torchvision.models.detection.backbone_utils import BackboneWithFPN
from torchvision.models.detection.retinanet import RetinaNet, RetinaNetHead, _default_anchorgen
from torchvision.ops import misc as misc_nn_ops
from torchvision.ops.feature_pyramid_network import LastLevelP6P7

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "golden")

ANCHOR_SIZES = [[x, int(x * 2 ** (1.0 / 3)), int(x * 2 ** (2.0 / 3))] for x in [32, 64, 128, 256, 512]]


def narrow_resnet(block, layers, stem, widths, norm_layer):
    """torchvision's ResNet with its stem and stages rebuilt at other widths
    through ResNet's own _make_layer, so modules and names are unchanged."""
    net = resnet.ResNet(block, [1, 1, 1, 1], norm_layer=norm_layer)
    net.inplanes = stem
    net.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
    net.bn1 = norm_layer(stem)
    net.layer1 = net._make_layer(block, widths[0], layers[0])
    net.layer2 = net._make_layer(block, widths[1], layers[1], stride=2)
    net.layer3 = net._make_layer(block, widths[2], layers[2], stride=2)
    net.layer4 = net._make_layer(block, widths[3], layers[3], stride=2)
    return net


def build(spec):
    torch.manual_seed(spec["seed"])
    block = resnet.BasicBlock if spec["block"] == "basic" else resnet.Bottleneck
    norm = misc_nn_ops.FrozenBatchNorm2d if spec["frozen_bn"] else nn.BatchNorm2d
    body = narrow_resnet(block, spec["layers"], spec["stem"], spec["widths"], norm)
    outs = [w * block.expansion for w in spec["widths"]]
    f = spec["fpn"]
    p6_in = outs[3] if spec["p6_from_c5"] else f
    backbone = BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, outs[1:], f,
                               extra_blocks=LastLevelP6P7(p6_in, f))
    assert backbone.fpn.extra_blocks.use_P5 == (not spec["p6_from_c5"])
    anchors = _default_anchorgen()
    a = anchors.num_anchors_per_location()[0]
    norm_layer = partial(nn.GroupNorm, 32) if spec["group_norm"] else None
    head = RetinaNetHead(f, a, spec["classes"], norm_layer=norm_layer)
    for h in (head.classification_head, head.regression_head):
        h.conv = nn.Sequential(*list(h.conv)[: spec["head_convs"]])
    model = RetinaNet(backbone, spec["classes"], anchor_generator=anchors, head=head)
    randomize(model)
    return model.eval(), outs


def randomize(model):
    """Random weights at a scale that keeps activations O(1) through the
    whole net, and random norm parameters and statistics, so that folding,
    biases and the GroupNorm affine are all exercised."""
    g = torch.Generator().manual_seed(1234)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.weight[0].numel()
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * (1.2 / math.sqrt(fan_in)))
                if m.bias is not None:
                    m.bias.copy_(torch.randn(m.bias.shape, generator=g) * 0.1)
            elif isinstance(m, (nn.BatchNorm2d, misc_nn_ops.FrozenBatchNorm2d, nn.GroupNorm)):
                c = m.weight.shape[0]
                m.weight.copy_(0.5 + torch.rand(c, generator=g))
                m.bias.copy_(torch.randn(c, generator=g) * 0.1)
                if not isinstance(m, nn.GroupNorm):
                    m.running_mean.copy_(torch.randn(c, generator=g) * 0.1)
                    m.running_var.copy_(0.5 + 1.5 * torch.rand(c, generator=g))


def raw_heads(model, x):
    """Per level, the head's raw NCHW outputs before torchvision's permute."""
    feats = list(model.backbone(x).values())
    ch, rh = model.head.classification_head, model.head.regression_head
    return [(ch.cls_logits(ch.conv(f)), rh.bbox_reg(rh.conv(f))) for f in feats]


def config_json(spec, outs):
    """The Config as Go's encoding/json writes net.Config (field order kept)."""
    bottleneck = spec["widths"] if spec["block"] == "bottleneck" else [0, 0, 0, 0]
    cfg = OrderedDict([
        ("backbone", "custom"), ("block", spec["block"]), ("layers", spec["layers"]),
        ("stem_width", spec["stem"]), ("widths", spec["widths"]), ("bottleneck_widths", bottleneck),
        ("fpn_width", spec["fpn"]), ("p6_from_c5", spec["p6_from_c5"]), ("head_convs", spec["head_convs"]),
        ("head_group_norm", spec["group_norm"]), ("num_classes", spec["classes"]),
        ("anchor_sizes", ANCHOR_SIZES), ("aspect_ratios", [0.5, 1, 2]),
        ("min_size", 800), ("max_size", 1333),
        ("image_mean", [0.485, 0.456, 0.406]), ("image_std", [0.229, 0.224, 0.225]),
    ])
    return json.dumps(cfg, separators=(",", ":"))


def write_safetensors(path, tensors, metadata=None):
    """safetensors by hand: 8-byte little-endian header length, JSON header,
    raw little-endian float32 data in the order given."""
    header, blobs, offset = OrderedDict(), [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors:
        data = t.detach().contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


SPECS = [
    # v1 layout: basic blocks, widths that do not double, FrozenBatchNorm,
    # P6 from P5, plain heads with torchvision's 4 tower convs; input a
    # multiple of 32 as torchvision's transform pads it.
    dict(name="basic_v1", seed=1, block="basic", layers=[2, 1, 2, 1], stem=8, widths=[8, 8, 12, 16],
         frozen_bn=True, fpn=8, p6_from_c5=False, group_norm=False, head_convs=4, classes=4, input=(2, 64, 96)),
    # v2 layout: bottleneck blocks, eval-mode BatchNorm2d (as resnet50 in
    # retinanet_resnet50_fpn_v2), P6 from C5, GroupNorm(32) heads (one tower
    # conv: GroupNorm(32) forces a 32-wide FPN, the files must stay small);
    # odd input sizes exercise nearest upsampling.
    dict(name="bottleneck_v2", seed=2, block="bottleneck", layers=[1, 2, 1, 1], stem=8, widths=[4, 4, 6, 6],
         frozen_bn=False, fpn=32, p6_from_c5=True, group_norm=True, head_convs=1, classes=3, input=(2, 50, 45)),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for spec in SPECS:
        model, outs = build(spec)
        sd = model.state_dict()
        torch.save(sd, os.path.join(OUT, spec["name"] + ".pth"))
        params = [(k, v) for k, v in sd.items() if not k.endswith("num_batches_tracked")]
        meta = {"format": "retina-float-v1", "retina": config_json(spec, outs)}
        write_safetensors(os.path.join(OUT, spec["name"] + ".safetensors"), params, meta)
        n, h, w = spec["input"]
        x = torch.randn((n, 3, h, w), generator=torch.Generator().manual_seed(spec["seed"] + 100))
        with torch.no_grad():
            levels = raw_heads(model, x)
        io = [("input", x)]
        for l, (cls, box) in enumerate(levels):
            io += [("cls_logits.%d" % l, cls), ("bbox_deltas.%d" % l, box)]
            print(spec["name"], "P%d" % (l + 3), tuple(cls.shape), tuple(box.shape),
                  "max|cls| %.3g max|box| %.3g" % (cls.abs().max(), box.abs().max()))
        order = {"state_dict_order": " ".join(k for k, _ in params)}
        write_safetensors(os.path.join(OUT, spec["name"] + ".io.safetensors"), io, order)
        print(spec["name"], "params", sum(v.numel() for _, v in params))
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("testdata/golden total bytes", total)


if __name__ == "__main__":
    main()
