#!/usr/bin/python3
"""Make the fixtures under testdata/import/ for net/safetensors and net/torchimport.

Run by hand (never by CI) with Debian's PyTorch 1.13 / torchvision 0.14:
    /usr/bin/python3 tools/make_import_fixtures.py
"""
import json
import os
import struct
import sys

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "import")


def write_python_safetensors(path):
    """A safetensors file written by hand from the format description (no
    library), so the Go reader is checked against an independent writer.
    Names are deliberately not in data order and the separators are Python's."""
    entries = [  # name, dtype, shape, struct format, values
        ("weights.f32", "F32", [2, 3], "<6f", [1.5, -2.0, 0.25, 3.0e-3, 65504.0, -0.0]),
        ("half.f16", "F16", [5], "<5e", [1.0, -0.5, 6.103515625e-05, 5.960464477539063e-08, float("inf")]),
        ("brain.bf16", "BF16", [3], "<3H", [0x3F80, 0xC040, 0x3EAA]),  # 1, -3, 0.33203125
        ("double.f64", "F64", [2], "<2d", [0.1, -1e300]),
        ("bytes.i8", "I8", [4], "<4b", [-128, -1, 0, 127]),
        ("counts.i32", "I32", [2, 2], "<4i", [-2147483648, -7, 7, 2147483647]),
        ("big.i64", "I64", [1], "<q", [1 << 40]),
        ("pixels.u8", "U8", [3], "<3B", [0, 128, 255]),
        ("flags.bool", "BOOL", [2], "<2?", [True, False]),
        ("scalar.f32", "F32", [], "<f", [42.0]),
        ("empty.f32", "F32", [0, 3], "<0f", []),
    ]
    header, data = {}, b""
    for name, dtype, shape, fmt, values in entries:
        blob = struct.pack(fmt, *values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(blob)]}
        data += blob
    header["__metadata__"] = {"format": "pt", "writer": "python struct"}
    text = json.dumps(header).encode()
    text += b" " * (-(8 + len(text)) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


# ---------------------------------------------------------------- checkpoints

def tiny_resnet(block, layers, stem, widths):
    """torchvision's ResNet with custom stem and stage widths: the class
    hard-codes 64..512, so rebuild conv1/bn1/layer1..4 with its own
    _make_layer (same block wiring, downsample rule and strides)."""
    import torch.nn as nn
    from torchvision.models.resnet import ResNet
    m = ResNet(block, [1, 1, 1, 1])
    m.inplanes = stem
    m.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
    m.bn1 = nn.BatchNorm2d(stem)
    m.layer1 = m._make_layer(block, widths[0], layers[0])
    m.layer2 = m._make_layer(block, widths[1], layers[1], stride=2)
    m.layer3 = m._make_layer(block, widths[2], layers[2], stride=2)
    m.layer4 = m._make_layer(block, widths[3], layers[3], stride=2)
    m.fc = nn.Linear(widths[3] * block.expansion, 10)
    return m


def tiny_retinanet(block, layers, stem, widths, fpn, num_classes, p6_from_c5, group_norm):
    from functools import partial
    import torch.nn as nn
    from torchvision.models.detection.backbone_utils import BackboneWithFPN
    from torchvision.models.detection.retinanet import RetinaNet, RetinaNetHead, _default_anchorgen
    from torchvision.ops.feature_pyramid_network import LastLevelP6P7
    body = tiny_resnet(block, layers, stem, widths)
    chans = [w * block.expansion for w in widths]
    extra = LastLevelP6P7(chans[3] if p6_from_c5 else fpn, fpn)
    backbone = BackboneWithFPN(body, {"layer2": "0", "layer3": "1", "layer4": "2"}, chans[1:], fpn, extra_blocks=extra)
    anchors = _default_anchorgen()
    norm = partial(nn.GroupNorm, 32) if group_norm else None
    head = RetinaNetHead(fpn, anchors.num_anchors_per_location()[0], num_classes, norm_layer=norm)
    return RetinaNet(backbone, num_classes, anchor_generator=anchors, head=head)


def randomize(model, seed):
    """Fill every float tensor (BN statistics too) with distinct values so a
    wrong offset, stride or name shows up in the checksums."""
    import torch
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.is_floating_point():
                t.copy_(torch.randn(t.shape, generator=g) * 0.1)
                if name.endswith("running_var"):
                    t.abs_().add_(0.5)


def describe(sd, rename=lambda n: n):
    """names -> shape, sum, first values (flattened row-major, as float32)."""
    import torch
    out = {}
    for name, t in sd.items():
        if name.endswith("num_batches_tracked") or not isinstance(t, torch.Tensor):
            continue
        f = t.detach().to(torch.float32).contiguous().flatten()
        out[rename(name)] = {"shape": list(t.shape), "sum": float(f.double().sum()),
                             "first": [float(v) for v in f[:4]], "last": float(f[-1])}
    return out


def strided_copy(t, offset):
    """The same values as t, held as a non-contiguous view (dims 0 and 1
    swapped, padded last dim) at a storage offset."""
    import torch
    shape = list(t.shape)
    buf = torch.zeros(offset + shape[1] * shape[0] * shape[2] * (shape[3] + 1), dtype=t.dtype)
    v = buf[offset:].view(shape[1], shape[0], shape[2], shape[3] + 1).permute(1, 0, 2, 3)[..., 1:]
    v.copy_(t)
    assert not v.is_contiguous() and v.storage_offset() == offset + 1
    return v


def share_storage(sd, names, seed):
    """Make tensors views of one storage at different offsets, as torch.save
    writes tensors that share memory (this keeps the file small)."""
    import torch
    n = max(sd[name].numel() for name in names)
    base = torch.randn(n + 5 * len(names), generator=torch.Generator().manual_seed(seed)) * 0.05
    for i, name in enumerate(names):
        sd[name] = base[5 * i:5 * i + sd[name].numel()].view(sd[name].shape)


def save(obj, name, **kw):
    import torch
    path = os.path.join(OUT, name)
    torch.save(obj, path, **kw)
    size = os.path.getsize(path)
    assert size < 200_000, (name, size)
    return size


def make_checkpoints():
    import torch
    from collections import OrderedDict
    from torchvision.models.resnet import BasicBlock, Bottleneck
    expected = {}

    # v1 style: basic blocks, stem 8, widths (8, 12, 16, 24), FPN 8, P6 from P5, no GroupNorm, 4 classes.
    v1 = tiny_retinanet(BasicBlock, [1, 2, 1, 1], 8, [8, 12, 16, 24], 8, 4, False, False)
    randomize(v1, 1)
    sd = v1.state_dict()
    sd["head.regression_head.bbox_reg.weight"] = strided_copy(sd["head.regression_head.bbox_reg.weight"], 3)
    sd["head.classification_head.cls_logits.weight"] = strided_copy(sd["head.classification_head.cls_logits.weight"], 11)
    sd["backbone.fpn.layer_blocks.1.0.bias"] = sd["backbone.fpn.layer_blocks.1.0.bias"].half()
    sd["backbone.fpn.extra_blocks.p7.bias"] = sd["backbone.fpn.extra_blocks.p7.bias"].double()
    sd["backbone.body.layer4.0.bn2.weight"] = sd["backbone.body.layer4.0.bn2.weight"].bfloat16()
    save(sd, "tiny_v1_basic.pt")
    expected["tiny_v1_basic.pt"] = describe(sd)

    # The same weights as a training-script checkpoint: {'model': sd, ...}, saved
    # from a DataParallel model ("module." prefix) with pre-0.13 FPN and head
    # names, in torch.save's legacy (non-zip) format.
    old = OrderedDict()
    for name, t in sd.items():
        n = name
        for blk in ("inner_blocks", "layer_blocks"):
            for i in range(3):
                n = n.replace(f"fpn.{blk}.{i}.0.", f"fpn.{blk}.{i}.")
        for h in ("classification_head", "regression_head"):
            for i in range(4):
                n = n.replace(f"{h}.conv.{i}.0.", f"{h}.conv.{2 * i}.")
        old["module." + n] = t
    save({"model": old, "epoch": 7, "optimizer": {"lr": 0.01}}, "tiny_v1_wrapped_legacy.pt",
         _use_new_zipfile_serialization=False)
    expected["tiny_v1_wrapped_legacy.pt"] = expected["tiny_v1_basic.pt"]

    # v2 style: bottleneck, stem 8, widths (4, 4, 8, 12), FPN 32, P6 from C5,
    # GroupNorm(32) heads without conv bias, 3 classes.
    v2 = tiny_retinanet(Bottleneck, [1, 1, 2, 1], 8, [4, 4, 8, 12], 32, 3, True, True)
    randomize(v2, 2)
    sd2 = v2.state_dict()
    share_storage(sd2, [n for n, t in sd2.items() if t.numel() >= 1024], 3)
    save({"state_dict": sd2}, "tiny_v2_bottleneck.pt")
    expected["tiny_v2_bottleneck.pt"] = describe(sd2)

    # Not RetinaNets: a ResNet classifier and a Faster R-CNN on the tiny backbone.
    cls = tiny_resnet(BasicBlock, [1, 1, 1, 1], 8, [8, 8, 8, 8])
    save(cls.state_dict(), "not_retinanet_resnet.pt")
    from torchvision.models.detection import FasterRCNN
    from torchvision.models.detection.faster_rcnn import TwoMLPHead, FastRCNNPredictor
    from torchvision.models.detection.backbone_utils import BackboneWithFPN
    body = tiny_resnet(BasicBlock, [1, 1, 1, 1], 8, [8, 8, 8, 8])
    bb = BackboneWithFPN(body, {"layer1": "0", "layer2": "1", "layer3": "2", "layer4": "3"}, [8, 8, 8, 8], 8)
    frcnn = FasterRCNN(bb, box_head=TwoMLPHead(8 * 7 * 7, 16), box_predictor=FastRCNNPredictor(16, 3))
    save(frcnn.state_dict(), "not_retinanet_fasterrcnn.pt")

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=0, sort_keys=True)
        f.write("\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    write_python_safetensors(os.path.join(OUT, "python.safetensors"))
    make_checkpoints()
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    sys.exit(main())
