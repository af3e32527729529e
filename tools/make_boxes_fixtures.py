#!/usr/bin/python3
"""Golden fixtures for net/boxes from torchvision 0.14 (run by hand, never by CI).

    /usr/bin/python3 tools/make_boxes_fixtures.py

writes testdata/boxes/{anchors,coder,nms,postprocess}.json. Float arrays are
base64 of little-endian float32 (exact and compact); everything else is plain
JSON. Seeds are fixed, so a rerun reproduces the files.
"""
import base64
import json
import math
import os
import types

import torch
import torchvision
from torchvision.models.detection import _utils as det_utils
from torchvision.models.detection.anchor_utils import AnchorGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.retinanet import RetinaNet
from torchvision.ops import boxes as box_ops

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "boxes")


def f32(t):
    """base64 of a tensor's float32 values, row-major."""
    return base64.b64encode(t.detach().to(torch.float32).contiguous().numpy().tobytes()).decode()


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print(path, os.path.getsize(path), "bytes")


def anchors_case(sizes, ratios, padded, feats):
    gen = AnchorGenerator(tuple(tuple(s) for s in sizes), tuple(tuple(ratios) for _ in sizes))
    images = ImageList(torch.zeros(1, 3, *padded), [tuple(padded)])
    maps = [torch.zeros(1, 1, h, w) for h, w in feats]
    per_level = gen.grid_anchors([list(m.shape[-2:]) for m in maps],
                                 [[torch.tensor(padded[0] // h), torch.tensor(padded[1] // w)] for h, w in feats])
    full = gen(images, maps)[0]
    assert torch.equal(full, torch.cat(per_level))
    return {
        "sizes": sizes, "ratios": ratios, "padded": list(padded), "feats": [list(f) for f in feats],
        "base": [f32(b) for b in gen.cell_anchors],
        "anchors": [f32(a) for a in per_level],
    }


def make_anchors():
    default = [[32, 40, 50], [64, 80, 101], [128, 161, 203], [256, 322, 406], [512, 645, 812]]
    cases = [
        # 64x96 padded, strides 8..128; P6 and P7 have different strides per axis.
        anchors_case(default, [0.5, 1.0, 2.0], (64, 96), [(8, 12), (4, 6), (2, 3), (1, 2), (1, 1)]),
        # Padded size not a multiple of the feature size: strides 50//7=7, 70//9=7, 50//4=12, ...
        anchors_case([[8, 10, 13], [16, 20, 25], [32, 40, 50]], [0.5, 1.0, 2.0], (50, 70),
                     [(7, 9), (4, 5), (2, 3)]),
        # Odd ratios (not exact in float32) and sizes whose halves round to even.
        anchors_case([[20, 33, 101, 7]], [0.25, 0.7, 1.3, 3.0], (50, 40), [(5, 4)]),
    ]
    write("anchors.json", {"cases": cases})


def make_coder():
    g = torch.Generator().manual_seed(1)
    n = 300
    x1 = torch.rand(n, generator=g) * 550 - 50
    y1 = torch.rand(n, generator=g) * 550 - 50
    w = torch.rand(n, generator=g) * 400 + 1
    h = torch.rand(n, generator=g) * 400 + 1
    anchors = torch.stack([x1, y1, x1 + w, y1 + h], 1).round()  # anchors are integers in RetinaNet
    anchors[: n // 2] = torch.stack([x1, y1, x1 + w, y1 + h], 1)[: n // 2]  # and some are not
    deltas = torch.randn(n, 4, generator=g)
    deltas[:20, 2] = torch.tensor([4.0, 4.1, 4.2, 5, 10, 50, 1e4, 1e30, -20, -80] * 2)
    deltas[10:30, 3] = torch.tensor([4.13, 4.1352, 4.1351666, 6, 100, 1e5, -5, -30, 0, 88.0] * 2)
    coder = det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0))
    decoded = coder.decode_single(deltas, anchors)

    m = 200
    gx = torch.rand(m, generator=g) * 500
    gy = torch.rand(m, generator=g) * 500
    gw = torch.rand(m, generator=g) * 300 + 0.5
    gh = torch.rand(m, generator=g) * 300 + 0.5
    gt = torch.stack([gx, gy, gx + gw, gy + gh], 1)
    ea = anchors[:m]
    encoded = coder.encode_single(gt, ea)

    clip_in = torch.randn(100, 4, generator=g) * 200 + 50
    clipped = box_ops.clip_boxes_to_image(clip_in, (77, 130))  # (height, width)

    iou_a = torch.cat([gt[:20], anchors[:20]])
    iou = box_ops.box_iou(iou_a, iou_a)

    resized = torchvision.models.detection.transform.resize_boxes(gt[:50], [480, 640], [375, 500])

    write("coder.json", {
        "anchors": f32(anchors), "deltas": f32(deltas), "decoded": f32(decoded),
        "gt": f32(gt), "encode_anchors": f32(ea), "encoded": f32(encoded),
        "clip_in": f32(clip_in), "clip_w": 130, "clip_h": 77, "clipped": f32(clipped),
        "iou_boxes": f32(iou_a), "iou": f32(iou),
        "resize_in": f32(gt[:50]), "resize_from": [640, 480], "resize_to": [500, 375], "resized": f32(resized),
    })


def grid_boxes(g, n, span, step):
    """Boxes on a coarse grid so that equal IoUs, duplicates and ties happen."""
    x1 = torch.randint(0, span, (n,), generator=g).float() * step
    y1 = torch.randint(0, span, (n,), generator=g).float() * step
    w = torch.randint(0, 6, (n,), generator=g).float() * step
    h = torch.randint(0, 6, (n,), generator=g).float() * step
    b = torch.stack([x1, y1, x1 + w, y1 + h], 1)
    b[:5, 2] = b[:5, 0] - 3  # inverted boxes
    return b


def make_nms():
    g = torch.Generator().manual_seed(2)
    cases = []

    b = grid_boxes(g, 160, 8, 5.0)
    s = (torch.rand(160, generator=g) * 10).floor() / 10  # many tied scores
    threshs = [0.5, 0.3, 0.7, 0.0]
    cases.append({"name": "nms_grid", "kind": "nms", "boxes": f32(b), "scores": f32(s), "threshs": threshs,
                  "keeps": [torchvision.ops.nms(b, s, t).tolist() for t in threshs]})

    # Exact IoU 0.5 and float32(0.3) > 0.3: the double comparison decides.
    b = torch.tensor([[0, 0, 10, 10], [0, 0, 10, 5], [0, 0, 10, 3], [20, 20, 30, 30], [20, 20, 30, 30], [1, 1, 1, 1.]])
    s = torch.tensor([0.9, 0.8, 0.7, 0.6, 0.6, 0.5])
    threshs = [0.5, 0.3, float(torch.tensor(0.3))]
    cases.append({"name": "nms_exact", "kind": "nms", "boxes": f32(b), "scores": f32(s), "threshs": threshs,
                  "keeps": [torchvision.ops.nms(b, s, t).tolist() for t in threshs]})

    # NaN coordinates: std::max/std::min in the kernel ignore a NaN second
    # operand, so these boxes still take part; and a NaN score.
    nan = float("nan")
    b = torch.tensor([[0, 0, 10, 10], [nan, 0, 10, 10], [0, nan, 10, 10], [1, 1, 10, nan], [0, 0, 10, 9],
                      [nan, nan, nan, nan], [2, 2, 12, 12.]])
    s = torch.tensor([0.9, 0.95, 0.8, 0.85, 0.7, 0.6, nan])
    threshs = [0.5, 0.1]
    cases.append({"name": "nms_nan", "kind": "nms", "boxes": f32(b), "scores": f32(s), "threshs": threshs,
                  "keeps": [torchvision.ops.nms(b, s, t).tolist() for t in threshs]})

    x = torch.rand(300, generator=g) * 200
    y = torch.rand(300, generator=g) * 200
    wh = torch.rand(300, 2, generator=g) * 60
    b = torch.stack([x, y, x + wh[:, 0], y + wh[:, 1]], 1)
    s = torch.rand(300, generator=g)
    s[::7] = s[0]  # ties across classes
    c = torch.randint(0, 4, (300,), generator=g)
    assert b.numel() <= 4000
    cases.append({"name": "batched_trick", "kind": "batched", "boxes": f32(b), "scores": f32(s), "classes": c.tolist(),
                  "threshs": [0.5], "keeps": [box_ops.batched_nms(b, s, c, 0.5).tolist()]})

    # Negative coordinates: the offsets do not separate classes, boxes of
    # different classes can suppress each other (torchvision's quirk).
    b = torch.tensor([[-100, -100, 10, 10], [-100, -100, 10, 10], [-60, 0, 8, 10], [0, 0, 5, 5.]])
    s = torch.tensor([0.9, 0.8, 0.7, 0.6])
    c = torch.tensor([0, 1, 1, 2])
    cases.append({"name": "batched_negative", "kind": "batched", "boxes": f32(b), "scores": f32(s),
                  "classes": c.tolist(), "threshs": [0.5], "keeps": [box_ops.batched_nms(b, s, c, 0.5).tolist()]})

    n = 1200
    x = torch.rand(n, generator=g) * 300
    y = torch.rand(n, generator=g) * 300
    wh = torch.rand(n, 2, generator=g) * 80
    b = torch.stack([x, y, x + wh[:, 0], y + wh[:, 1]], 1)
    s = torch.randperm(n, generator=g).float() / n + 0.001  # distinct: the final sort is not stable in torch
    c = torch.randint(0, 6, (n,), generator=g)
    assert b.numel() > 4000
    threshs = [0.5, 0.2]
    cases.append({"name": "batched_vanilla", "kind": "batched", "boxes": f32(b), "scores": f32(s),
                  "classes": c.tolist(), "threshs": threshs,
                  "keeps": [box_ops.batched_nms(b, s, c, t).tolist() for t in threshs]})
    write("nms.json", {"cases": cases})


def make_matcher():
    g = torch.Generator().manual_seed(4)
    gen = AnchorGenerator(((16, 20, 25), (32, 40, 50)), ((0.5, 1.0, 2.0),) * 2)
    images = ImageList(torch.zeros(1, 3, 64, 80), [(64, 80)])
    anchors = gen(images, [torch.zeros(1, 1, 8, 10), torch.zeros(1, 1, 4, 5)])[0]
    cases = []
    for name, m in (("random", 12), ("small", 5)):
        x = torch.rand(m, generator=g) * 70
        y = torch.rand(m, generator=g) * 55
        wh = torch.rand(m, 2, generator=g) * (40 if name == "random" else 6) + 1
        gt = torch.stack([x, y, x + wh[:, 0], y + wh[:, 1]], 1)
        if name == "random":
            gt[3] = gt[1]  # duplicate ground truth: ties between gts
            gt[4] = anchors[100]  # exactly an anchor
            gt[5] = anchors[101] + torch.tensor([8.0, 0, 8, 0])  # tie between two anchors
        iou = box_ops.box_iou(gt, anchors)
        for low_quality in (True, False):
            matcher = det_utils.Matcher(0.5, 0.4, allow_low_quality_matches=low_quality)
            cases.append({"name": f"{name}_{low_quality}", "gt": f32(gt), "low_quality": low_quality,
                          "matches": matcher(iou).tolist()})
    write("matcher.json", {"anchors": f32(anchors), "cases": cases})


def postprocess_case(g, name, k, sizes, ratios, padded, image, feats, mean, std, opts):
    a = len(sizes[0]) * len(ratios)
    gen = AnchorGenerator(tuple(tuple(s) for s in sizes), tuple(tuple(ratios) for _ in sizes))
    images = ImageList(torch.zeros(1, 3, *padded), [tuple(image)])
    maps = [torch.zeros(1, 1, h, w) for h, w in feats]
    anchors = gen(images, maps)
    per_level = [h * w * a for h, w in feats]
    anchors_levels = [list(anchors[0].split(per_level))]

    logits_nchw, deltas_nchw, cls, reg = [], [], [], []
    for h, w in feats:
        lg = torch.randn(1, a * k, h, w, generator=g) * std + mean
        dl = torch.randn(1, a * 4, h, w, generator=g) * 0.3
        dl.view(-1)[::97] = 6.0  # some huge dw/dh hit the clamp
        logits_nchw.append(lg)
        deltas_nchw.append(dl)
        # The heads' permutation: (N, A*K, H, W) -> (N, H, W, A, K) -> (N, HWA, K).
        cls.append(lg.view(1, a, k, h, w).permute(0, 3, 4, 1, 2).reshape(1, -1, k)[0])
        reg.append(dl.view(1, a, 4, h, w).permute(0, 3, 4, 1, 2).reshape(1, -1, 4)[0])

    self = types.SimpleNamespace(score_thresh=opts["score_thresh"], topk_candidates=opts["topk"],
                                 nms_thresh=opts["nms_thresh"], detections_per_img=opts["detections"],
                                 box_coder=det_utils.BoxCoder(weights=(1.0, 1.0, 1.0, 1.0)))
    head = {"cls_logits": [torch.stack([c]) for c in cls], "bbox_regression": [torch.stack([r]) for r in reg]}
    det = RetinaNet.postprocess_detections(self, head, anchors_levels, [tuple(image)])[0]

    # How many candidates reached batched_nms, to document which path ran.
    n_cand = 0
    for c in cls:
        n_cand += min(int((torch.sigmoid(c).flatten() > opts["score_thresh"]).sum()), opts["topk"])
    print(name, "candidates", n_cand, "detections", len(det["scores"]))
    return {
        "name": name, "classes": k, "sizes": sizes, "ratios": ratios, "padded": list(padded), "image": list(image),
        "feats": [list(f) for f in feats], "opts": opts, "candidates": n_cand,
        "logits": [f32(x) for x in logits_nchw], "deltas": [f32(x) for x in deltas_nchw],
        "boxes": f32(det["boxes"]), "scores": f32(det["scores"]), "labels": det["labels"].tolist(),
    }


def make_postprocess():
    g = torch.Generator().manual_seed(3)
    defaults = {"score_thresh": 0.05, "nms_thresh": 0.5, "topk": 1000, "detections": 300}
    cases = [
        # Many candidates: top-k cuts P3 and P4, more than 1000 reach batched_nms (per-class path).
        postprocess_case(g, "three_levels_k2", 2, [[8, 10, 13], [16, 20, 25], [32, 40, 50]], [0.5, 1.0, 2.0],
                         (80, 96), (75, 90), [(10, 12), (5, 6), (3, 3)], -2.0, 1.5, defaults),
        # K=1, fewer candidates: the coordinate-trick path.
        postprocess_case(g, "two_levels_k1", 1, [[16, 20], [32, 40]], [1.0, 2.0],
                         (48, 64), (45, 60), [(6, 8), (3, 4)], -4.0, 1.0, defaults),
        # Other options, non-multiple padded size.
        postprocess_case(g, "options_k5", 5, [[12, 15, 19], [24, 30, 38]], [0.5, 1.0, 2.0],
                         (50, 70), (50, 61), [(6, 8), (3, 4)], -1.0, 2.0,
                         {"score_thresh": 0.2, "nms_thresh": 0.4, "topk": 50, "detections": 20}),
    ]
    write("postprocess.json", {"cases": cases})


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    make_anchors()
    make_coder()
    make_nms()
    make_matcher()
    make_postprocess()
