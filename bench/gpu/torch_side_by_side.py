#!/usr/bin/env python3
"""PyTorch half of transfer4j's GPU side-by-side (issue 7): the same work as
org.transfer4j.bench.gpu.GpuSideBySide, in PyTorch eager, written as the same JSON report.

MobileNetV2 and ResNet50 are written out below as Keras Applications builds them (no torchvision needed),
so both frameworks run the same layers:
  MobileNetV2 (keras/src/applications/mobilenet_v2.py): 35 Conv2D + 17 depthwise, 52 BatchNormalization
    (epsilon 1e-3), ReLU6, 10 residual adds, GlobalAveragePooling2D, Dense(classes).
  ResNet50 (keras/src/applications/resnet.py, v1): 53 Conv2D with bias (the stride on the first 1x1 conv of a
    block, as Keras/Caffe, not on the 3x3 as torchvision's v1.5), 53 BatchNormalization (epsilon 1.001e-5),
    16 adds, max pooling, GlobalAveragePooling2D, Dense(classes).
With alpha 1.0 and 1000 classes the parameter counts are checked against Keras' model.summary():
3,538,984 (MobileNetV2) and 25,636,712 (ResNet50), weights plus batch-norm moving statistics.
One difference, on purpose: a stride-2 convolution pads (1, 1) on both sides as PyTorch users write it,
where Keras pads (0, 1) before a 'valid' convolution; the shapes and the arithmetic are the same.

Cases (batch 64, 224x224, random weights, random inputs already on the GPU, channels first as PyTorch
users run; TF32 as PyTorch's defaults: cudnn.allow_tf32 True, cuda.matmul.allow_tf32 False):
  train      zero_grad(set_to_none), forward in train mode, cross-entropy on logits, backward, optimizer step
  inference  eval mode under torch.no_grad()
  frozen     head-only training on a frozen base, as PyTorch users do it: every epoch, every batch goes
             through the base in eval mode under no_grad, then global average pooling and the head
             (BatchNorm1d, Dropout(0.2), Linear(head_classes)) trains; no feature caching.
Timing: warm-up iterations, torch.cuda.synchronize(), timer, timed iterations, synchronize, timer.
Peak memory: torch.cuda.reset_peak_memory_stats() after the model and inputs are on the GPU, then
torch.cuda.max_memory_allocated() after the case.

    python3 bench/gpu/torch_side_by_side.py --out pytorch.json
    python3 bench/gpu/torch_side_by_side.py --device cpu --alpha 0.35 --image-size 32 --batch 2 --classes 10 \
        --warmup 1 --iterations 2 --frozen-images 8 --frozen-epochs 2 --out smoke.json
"""
import argparse
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

KERAS_TOTAL_PARAMS = {"MobileNetV2": 3_538_984, "ResNet50": 25_636_712}  # alpha 1.0, 1000 classes, with BN statistics
KERAS_LAYERS = {"MobileNetV2": (52, 52), "ResNet50": (53, 53)}  # (convolutions, batch norms)


# ---- MobileNetV2, as keras.applications.MobileNetV2 ----------------------------------------------------

def make_divisible(v, divisor=8, min_value=None):
    """Keras' _make_divisible (the same in torchvision)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def conv_bn(cin, cout, k, stride, groups=1, act=True, eps=1e-3):
    layers = [nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout, eps=eps, momentum=0.001)]  # Keras momentum 0.999 = PyTorch 0.001
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    """Keras _inverted_res_block: [expand 1x1, BN, ReLU6] (not in block 0), depthwise 3x3, BN, ReLU6,
    project 1x1, BN, add when stride 1 and in == out."""

    def __init__(self, cin, cout, stride, expansion, first):
        super().__init__()
        hidden = cin * expansion
        layers = [] if first else [conv_bn(cin, hidden, 1, 1)]
        layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden), conv_bn(hidden, cout, 1, 1, act=False)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class MobileNetV2(nn.Module):
    # (expansion, filters, blocks, first stride): Keras' 17 blocks, expanded_conv and block_1 .. block_16
    SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

    def __init__(self, alpha=1.0, classes=1000, include_top=True):
        super().__init__()
        c = make_divisible(32 * alpha, 8)
        layers = [conv_bn(3, c, 3, 2)]
        for t, filters, n, s in self.SETTINGS:
            out = make_divisible(int(filters * alpha), 8)
            for i in range(n):
                layers.append(InvertedResidual(c, out, s if i == 0 else 1, t, first=(t == 1)))
                c = out
        last = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
        layers.append(conv_bn(c, last, 1, 1))
        self.features = nn.Sequential(*layers)
        self.out_channels = last
        self.classifier = nn.Linear(last, classes) if include_top else None

    def forward(self, x):
        x = self.features(x)
        if self.classifier is None:
            return x
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


# ---- ResNet50, as keras.applications.ResNet50 -----------------------------------------------------------

class Bottleneck(nn.Module):
    """Keras resnet.block1: shortcut (conv 1x1 stride s + BN when conv_shortcut, else identity); 1x1 stride s,
    BN, relu; 3x3 same, BN, relu; 1x1 (4 filters), BN; add; relu. Every Conv2D has a bias (Keras' default)."""

    def __init__(self, cin, filters, stride, conv_shortcut):
        super().__init__()
        eps = 1.001e-5
        self.shortcut = nn.Sequential(nn.Conv2d(cin, 4 * filters, 1, stride),
                                      nn.BatchNorm2d(4 * filters, eps=eps)) if conv_shortcut else None
        self.body = nn.Sequential(
            nn.Conv2d(cin, filters, 1, stride), nn.BatchNorm2d(filters, eps=eps), nn.ReLU(inplace=True),
            nn.Conv2d(filters, filters, 3, 1, padding=1), nn.BatchNorm2d(filters, eps=eps), nn.ReLU(inplace=True),
            nn.Conv2d(filters, 4 * filters, 1, 1), nn.BatchNorm2d(4 * filters, eps=eps))

    def forward(self, x):
        s = x if self.shortcut is None else self.shortcut(x)
        return F.relu(s + self.body(x), inplace=True)


class ResNet50(nn.Module):
    STACKS = [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]  # (filters, blocks, first stride)

    def __init__(self, classes=1000, include_top=True):
        super().__init__()
        layers = [nn.Conv2d(3, 64, 7, 2, padding=3), nn.BatchNorm2d(64, eps=1.001e-5), nn.ReLU(inplace=True),
                  nn.MaxPool2d(3, 2, padding=1)]
        c = 64
        for filters, n, stride in self.STACKS:
            for i in range(n):
                layers.append(Bottleneck(c, filters, stride if i == 0 else 1, conv_shortcut=(i == 0)))
                c = 4 * filters
        self.features = nn.Sequential(*layers)
        self.out_channels = c
        self.classifier = nn.Linear(c, classes) if include_top else None

    def forward(self, x):
        x = self.features(x)
        if self.classifier is None:
            return x
        return self.classifier(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def build(name, include_top, args):
    if name == "MobileNetV2":
        return MobileNetV2(args.alpha, args.classes, include_top)
    if name == "ResNet50":
        return ResNet50(args.classes, include_top)
    raise SystemExit(f"unknown model {name!r}; known: MobileNetV2, ResNet50")


def check_architecture(name, args):
    """The written-out model against Keras' layer and parameter counts (where Keras publishes them)."""
    m = build(name, True, args)
    convs = sum(isinstance(x, nn.Conv2d) for x in m.modules())
    bns = sum(isinstance(x, nn.BatchNorm2d) for x in m.modules())
    if (convs, bns) != KERAS_LAYERS[name]:
        raise SystemExit(f"{name}: {convs} convolutions and {bns} batch norms, Keras has {KERAS_LAYERS[name]}")
    total = sum(p.numel() for p in m.parameters()) + sum(
        b.numel() for n, b in m.named_buffers() if n.endswith("running_mean") or n.endswith("running_var"))
    if args.classes == 1000 and (name != "MobileNetV2" or args.alpha == 1.0) and total != KERAS_TOTAL_PARAMS[name]:
        raise SystemExit(f"{name}: {total} parameters with BN statistics, Keras has {KERAS_TOTAL_PARAMS[name]}")
    return total


# ---- the cases ---------------------------------------------------------------------------------------

class Clock:
    def __init__(self, device):
        self.device = device
        self.cuda = device.type == "cuda"

    def sync(self):
        if self.cuda:
            torch.cuda.synchronize(self.device)

    def reset_peak(self):
        if self.cuda:
            torch.cuda.reset_peak_memory_stats(self.device)

    def peak(self):
        return torch.cuda.max_memory_allocated(self.device) if self.cuda else None


def optimizer(params, args):
    if args.optimizer == "adam":
        return torch.optim.Adam(params, lr=1e-3)
    return torch.optim.SGD(params, lr=0.01, momentum=0.9)


def images(n, args, device, gen):
    # uniform in [-1, 1), made on the device; channels first (NCHW) as PyTorch's default, or --channels-last
    x = torch.rand((n, 3, args.image_size, args.image_size), generator=gen, device=device) * 2 - 1
    return x.contiguous(memory_format=torch.channels_last) if args.channels_last else x


def placed(model, args, device):
    model = model.to(device)
    return model.to(memory_format=torch.channels_last) if args.channels_last else model


def result(model, kind, seconds, iterations, images_per_iter, clock, details, **extra):
    r = {"model": model, "kind": kind, "images_per_second": images_per_iter * iterations / seconds,
         "ms_per_iteration": 1000 * seconds / iterations, "iterations": iterations, "details": details}
    peak = clock.peak()
    if peak is not None:
        r["peak_memory_bytes"] = peak
    r.update(extra)
    return r


def train_step(name, args, device, clock, gen):
    model = placed(build(name, True, args), args, device).train()
    opt = optimizer(model.parameters(), args)
    x = images(args.batch, args, device, gen)
    y = torch.randint(0, args.classes, (args.batch,), generator=gen, device=device)
    clock.sync()
    clock.reset_peak()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for _ in range(args.warmup):
        step()
    clock.sync()
    t0 = time.perf_counter()
    for _ in range(args.iterations):
        loss = step()
    clock.sync()
    seconds = time.perf_counter() - t0
    return result(name, "train", seconds, args.iterations, args.batch, clock, {"last_loss": loss.item()})


def inference(name, args, device, clock, gen):
    model = placed(build(name, True, args), args, device).eval()
    x = images(args.batch, args, device, gen)
    clock.sync()
    clock.reset_peak()
    with torch.no_grad():
        for _ in range(args.warmup):
            out = model(x)
        clock.sync()
        t0 = time.perf_counter()
        for _ in range(args.iterations):
            out = model(x)
        clock.sync()
        seconds = time.perf_counter() - t0
    return result(name, "inference", seconds, args.iterations, args.batch, clock, {"last_logit_0": out[0, 0].item()})


def frozen_base(name, args, device, clock, gen):
    base = placed(build(name, False, args), args, device).eval()
    for p in base.parameters():
        p.requires_grad_(False)
    c = base.out_channels
    head = nn.Sequential(nn.BatchNorm1d(c, eps=1e-3, momentum=0.01), nn.Dropout(0.2), nn.Linear(c, args.head_classes))
    head = head.to(device).train()
    opt = optimizer(head.parameters(), args)
    n = args.frozen_images
    data = images(n, args, device, gen)
    labels = torch.randint(0, args.head_classes, (n,), generator=gen, device=device)
    clock.sync()
    clock.reset_peak()

    def epoch():
        order = torch.randperm(n, generator=gen, device=device)
        for start in range(0, n, args.batch):
            idx = order[start:start + args.batch]
            with torch.no_grad():
                f = torch.flatten(F.adaptive_avg_pool2d(base(data[idx]), 1), 1)
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(head(f), labels[idx])
            loss.backward()
            opt.step()
        return loss

    with torch.no_grad():
        for _ in range(args.warmup):
            base(data[:args.batch])
    for _ in range(args.frozen_warmup_epochs):  # warm-up epochs, as many as the transfer4j harness runs
        epoch()
    clock.sync()
    t0 = time.perf_counter()
    for _ in range(args.frozen_epochs):
        loss = epoch()
    clock.sync()
    seconds = time.perf_counter() - t0
    return result(name, "frozen", seconds, args.frozen_epochs, n, clock,
                  {"images": n, "last_loss": loss.item()}, epochs_per_second=args.frozen_epochs / seconds)


CASES = {"train": train_step, "inference": inference, "frozen": frozen_base}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--models", default="MobileNetV2,ResNet50")
    p.add_argument("--cases", default="train,inference,frozen")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--image-size", type=int, default=224)
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--alpha", type=float, default=1.0)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--frozen-images", type=int, default=1280)
    p.add_argument("--frozen-epochs", type=int, default=50)
    p.add_argument("--frozen-warmup-epochs", type=int, default=50)
    p.add_argument("--head-classes", type=int, default=10)
    p.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    p.add_argument("--tf32", action=argparse.BooleanOptionalAction, default=True,
                   help="cudnn.allow_tf32 (PyTorch's default: on); matmul TF32 stays PyTorch's default, off")
    p.add_argument("--channels-last", action="store_true",
                   help="NHWC memory format for the models and inputs (off by default: PyTorch's default NCHW)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    args = p.parse_args(argv)

    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: torch.cuda.is_available() is False")
    device = torch.device("cuda", 0) if args.device == "cuda" else torch.device("cpu")
    torch.backends.cudnn.allow_tf32 = args.tf32
    torch.backends.cuda.matmul.allow_tf32 = False  # PyTorch's default since 1.12
    torch.backends.cudnn.benchmark = False  # PyTorch's default
    torch.manual_seed(args.seed)
    gen = torch.Generator(device=device)
    gen.manual_seed(args.seed)
    clock = Clock(device)
    name = f"cuda:0 ({torch.cuda.get_device_name(0)})" if clock.cuda else "cpu"
    print(f"pytorch {torch.__version__} side-by-side on {name}, TF32 convolutions {'on' if args.tf32 else 'off'}, "
          f"batch {args.batch}, {args.image_size}x{args.image_size}, {args.optimizer}"
          f"{', channels last' if args.channels_last else ''}", flush=True)

    results = []
    for model in args.models.split(","):
        params = check_architecture(model, args)
        for kind in args.cases.split(","):
            if kind not in CASES:
                raise SystemExit(f"unknown case {kind!r}; known: {', '.join(CASES)}")
            try:
                r = CASES[kind](model, args, device, clock, gen)
                r["details"]["keras_params"] = params
            except torch.cuda.OutOfMemoryError as e:  # reported like transfer4j's failures, the other cases still run
                r = {"model": model, "kind": kind, "error": f"OutOfMemoryError: {e}", "details": {}}
            results.append(r)
            if clock.cuda:
                torch.cuda.empty_cache()
            shown = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in r.items() if k != "details"}
            print("  ", shown, flush=True)

    report = {"framework": "pytorch", "device": name, "tf32": bool(args.tf32 and clock.cuda), "batch": args.batch,
              "image_size": args.image_size, "optimizer": args.optimizer, "warmup": args.warmup,
              "torch_version": torch.__version__, "channels_last": args.channels_last, "results": results}
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    print("wrote", args.out)
    return 0 if all("error" not in r for r in results) else 2


if __name__ == "__main__":
    sys.exit(main())
