#!/usr/bin/python3
"""Times one PyTorch 1.13 training step (forward, loss, backward and an SGD
update with momentum 0.9 and weight decay 1e-4) of torchvision 0.14's RetinaNet ResNet-18-FPN with 80 classes on
a batch of two 320x320 images, the same architecture, batch and targets as
net/train's BenchmarkTrainStep. The backbone uses FrozenBatchNorm2d, as
resnet_fpn_backbone builds it; the transform is bypassed (the input is
already normalised and padded), as in the Go benchmark.

Run by hand with Debian's python3:
    /usr/bin/python3 tools/bench_torch_train_step.py [--threads 1 2] [--freeze -1 1] [--steps 5]
It prints the median step time and the mean process CPU time per step (on
a busy machine the CPU time tracks the work better) per thread count and
freeze setting
(freeze N = trainable_layers 4 - N, as retina's --freeze-backbone).
"""
import argparse
import statistics
import time

import torch
from torchvision.models import resnet
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.retinanet import RetinaNet
from torchvision.ops import misc as misc_nn_ops
from torchvision.ops.feature_pyramid_network import LastLevelP6P7


def build(freeze):
    body = resnet.resnet18(weights=None, norm_layer=misc_nn_ops.FrozenBatchNorm2d)
    backbone = _resnet_fpn_extractor(body, 4 - freeze, returned_layers=[2, 3, 4],
                                     extra_blocks=LastLevelP6P7(256, 256))
    return RetinaNet(backbone, num_classes=80).train()


def batch(n, h, w, classes):
    """Four boxes per image, as benchBatch in net/train/bench_test.go."""
    x = torch.randn((n, 3, h, w), generator=torch.Generator().manual_seed(1))
    targets = []
    for i in range(n):
        boxes, labels = [], []
        for j in range(4):
            bx, by = 20.0 + 60 * j, 30.0 + 50 * j
            boxes.append([bx, by, bx + 40 + 20 * j, by + 50])
            labels.append((i + j) % classes)
        targets.append({"boxes": torch.tensor(boxes), "labels": torch.tensor(labels)})
    return x, targets


def step(model, opt, x, targets):
    features = list(model.backbone(x).values())
    head_outputs = model.head(features)
    anchors = model.anchor_generator(ImageList(x, [tuple(x.shape[-2:])] * x.shape[0]), features)
    losses = model.compute_loss(targets, head_outputs, anchors)
    total = losses["classification"] + losses["bbox_regression"]
    model.zero_grad(set_to_none=False)
    total.backward()
    opt.step()
    return float(total)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--freeze", type=int, nargs="+", default=[-1, 1])
    ap.add_argument("--steps", type=int, default=5)
    args = ap.parse_args()
    x, targets = batch(2, 320, 320, 80)
    for threads in args.threads:
        torch.set_num_threads(threads)
        for freeze in args.freeze:
            torch.manual_seed(0)
            model = build(freeze)
            opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                                  lr=0.01, momentum=0.9, weight_decay=1e-4)
            step(model, opt, x, targets)  # warm-up
            times, cpus = [], []
            for _ in range(args.steps):
                t0, c0 = time.perf_counter(), time.process_time()
                step(model, opt, x, targets)
                times.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            print("torch %s resnet18 2x320x320 freeze%d %dT: median %.0f ms (min %.0f), CPU %.0f ms/step" % (
                torch.__version__, freeze, threads, 1000 * statistics.median(times), 1000 * min(times),
                1000 * statistics.mean(cpus)))


if __name__ == "__main__":
    main()
