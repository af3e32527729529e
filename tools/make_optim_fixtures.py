#!/usr/bin/python3
"""Golden values for net/train's optimizers, gradient clipping and schedules.

Run by hand (never by CI) with Debian's PyTorch 1.13:
    /usr/bin/python3 tools/make_optim_fixtures.py > net/train/testdata/optim_fixture.json
Two small parameters (one without weight decay) take a few steps with fixed
gradients; the parameters after each step, the clipped total norms and the
learning rates of LinearLR warm-up chained with MultiStepLR / CosineAnnealingLR
are recorded.
"""
import json
import math

import torch


def params():
    g = torch.Generator().manual_seed(7)
    a = torch.randn(5, generator=g)
    b = torch.randn(3, generator=g)
    return a, b


def grads(step):
    g = torch.Generator().manual_seed(100 + step)
    return torch.randn(5, generator=g) * 3, torch.randn(3, generator=g) * 3


def run(kind, steps=4, clip=None):
    a0, b0 = params()
    a = torch.nn.Parameter(a0.clone())
    b = torch.nn.Parameter(b0.clone())
    groups = [{"params": [a]}, {"params": [b], "weight_decay": 0.0}]
    if kind == "sgd":
        opt = torch.optim.SGD(groups, lr=0.1, momentum=0.9, weight_decay=1e-4)
        lrs = [0.1, 0.05, 0.2, 0.1]
    else:
        opt = torch.optim.AdamW(groups, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05)
        lrs = [0.01, 0.02, 0.005, 0.01]
    out = {"init": [a0.tolist(), b0.tolist()], "grads": [], "lrs": lrs, "after": [], "norms": []}
    for s in range(steps):
        ga, gb = grads(s)
        out["grads"].append([ga.tolist(), gb.tolist()])
        a.grad = ga.clone()
        b.grad = gb.clone()
        if clip is not None:
            out["norms"].append(float(torch.nn.utils.clip_grad_norm_([a, b], clip)))
        for grp in opt.param_groups:
            grp["lr"] = lrs[s]
        opt.step()
        out["after"].append([a.detach().tolist(), b.detach().tolist()])
    return out


def schedule(main, epochs=4, iters=5, warm=7):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.02, momentum=0.9)
    warmup = torch.optim.lr_scheduler.LinearLR(opt, start_factor=0.001, total_iters=warm)
    if main == "step":
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 3], gamma=0.1)
    else:
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * iters)
    lrs = []
    it = 0
    for e in range(epochs):
        for i in range(iters):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            if it < warm:
                warmup.step()
            if main == "cosine":
                sched.step()
            it += 1
        if main == "step":
            sched.step()
    return {"base_lr": 0.02, "epochs": epochs, "iters": iters, "warmup": warm, "lrs": lrs}


print(json.dumps({
    "sgd": run("sgd"),
    "adamw": run("adamw"),
    "sgd_clip": run("sgd", clip=1.5),
    "step": schedule("step"),
    "cosine": schedule("cosine"),
}, indent=1))
