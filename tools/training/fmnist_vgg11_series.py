#!/usr/bin/python3
"""Trains a narrowed VGG-11 on Fashion-MNIST (resized to 32×32) with 1 % label noise and the
two-phase paper's recipe (App. F.2: SGD lr 0.01, momentum 0.9, no decay, batch 128), and saves a
checkpoint series that `orderlens dynamics` and `orderlens reproduce two-phase` read:

    <out>/epoch-<e>/model.onnx + meta.json   one per saved epoch (0 = the initialisation)
    <out>/index.json                          orderlens/checkpoint-index@1: epochs, losses, accuracies
    <out>/history.json                        train/test loss and accuracy after every epoch

Run from the repository root with Debian's Python (torch 1.13; the `onnx` package is not needed):

    nice -n 19 /usr/bin/python3 tools/training/fmnist_vgg11_series.py \
        --data /usr/share/datasets/fashion-mnist --out fixtures/two-phase/fmnist-vgg11

Data: the Debian package `dataset-fashion-mnist` (`apt-get install dataset-fashion-mnist`, or
`dpkg-deb -x dataset-fashion-mnist_*.deb <dir>` without installing). MNIST itself is not
available on this machine (no Debian package, no copy in shared/data), so Fashion-MNIST stands in
for the paper's MNIST: same 28×28 grey format, ten classes, harder.

What differs from the paper, because the series is trained on two shared CPU cores (see
docs/two-phase.md):
- width: every VGG-11 layer has 1/--width-div of the channels (default 1/8: 8-16-32-32-64-64-64-64
  convolutions, a 64→10 classifier); the layout (8 convolutions, 5 max-pools, ReLU, no batch
  norm) is VGG-11's for 32×32 inputs;
- data: the first --train images of the 60,000 training images (default 3,000); the loss and
  accuracy on the test side are over the first --test test images (default 1,000);
- epochs: --epochs (default 120) instead of 256, about --saves (default 14, giving 13 distinct)
  log-spaced epochs saved.
The defaults reproduce fixtures/two-phase/fmnist-vgg11 (1,380 s on 2 shared cores).
The resize to 32×32 (bilinear, as torchvision's Resize) is the model's first operation, so the
exported models take the 28×28 images that `--dataset fashion-mnist` supplies; everything after it
is the network trained on 32×32 inputs.

Label noise (F.1): round(NOISE·TRAIN) training images, chosen with the seed, get a label drawn
uniformly from the other nine classes; test labels are untouched. The training loss in index.json
is against the labels trained on (noisy ones included), in eval mode.

The output of the second ReLU (the paper's feature map for VGG-11, F.3) keeps its exported name,
written to meta.json's cutTensor.name so `--feature-map meta` finds it.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# How `orderlens reproduce two-phase` reads the series (its players come from the paper's settings).
SERIES = {'modality': 'vision', 'options': {'dataset': 'fashion-mnist'},
          'description': 'VGG-11 (narrowed) on Fashion-MNIST resized to 32x32, 1 % label noise, SGD lr 0.01 momentum 0.9'}
CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
# VGG-11 ('A' of Simonyan & Zisserman): channels per convolution, 'M' a 2×2 max-pool.
VGG11_LAYOUT = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    ndim = int.from_bytes(raw[0:4], 'big') & 0xff
    dims = [int.from_bytes(raw[4 + 4 * k:8 + 4 * k], 'big') for k in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class VGG11(nn.Module):
    """VGG-11 for 1×28×28 inputs resized to 32×32 inside the model, channels divided by `div`."""

    def __init__(self, div):
        super().__init__()
        layers, c = [], 1
        for v in VGG11_LAYOUT:
            if v == 'M':
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(c, v // div, 3, padding=1), nn.ReLU()]
                c = v // div
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(c, 10)  # 32 / 2^5 = 1: the map is c×1×1
        # torchvision's VGG initialisation: without it (PyTorch's default uniform init) the plain
        # VGG-11 stays at chance for many epochs under SGD lr 0.01.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = F.interpolate(x, size=(32, 32), mode='bilinear', align_corners=False)
        return self.classifier(torch.flatten(self.features(x), 1))


def evaluate(model, X, y, batch=500):
    model.eval()
    loss, correct = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(X), batch):
            out = model(X[s:s + batch])
            loss += float(F.cross_entropy(out, y[s:s + batch], reduction='sum'))
            correct += int((out.argmax(1) == y[s:s + batch]).sum())
    return loss / len(X), correct / len(X)


def log_spaced_epochs(last, count):
    """0, then about `count − 1` epochs spaced evenly in log(1 + e) up to `last`, distinct."""
    pts = {0, last}
    for k in range(1, count):
        pts.add(int(round(math.expm1(math.log1p(last) * k / (count - 1)))))
    return sorted(pts)


def second_relu_name(path):
    """The exported name of the 2nd Relu's output, read from the ONNX protobuf without the onnx package."""
    # torch 1.13 names node outputs after the module path: /features/features.<i>/Relu_output_0.
    data = open(path, 'rb').read()
    names = sorted({m.decode() for m in __import__('re').findall(rb'/features/features\.(\d+)/Relu_output_0', data)},
                   key=int)
    return f'/features/features.{names[1]}/Relu_output_0'


def export(model, folder, meta):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, 'model.onnx')
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path, input_names=['x'], output_names=['logits'],
                      opset_version=13, do_constant_folding=True,
                      dynamic_axes={'x': {0: 'batch'}, 'logits': {0: 'batch'}})
    cut = second_relu_name(path)
    with open(os.path.join(folder, 'meta.json'), 'w') as f:
        json.dump({**meta, 'cutTensor': {'name': cut, 'description': 'output of the 2nd ReLU (F.3)'}}, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    ap.add_argument('--out', required=True)
    ap.add_argument('--train', type=int, default=3000)
    ap.add_argument('--test', type=int, default=1000)
    ap.add_argument('--epochs', type=int, default=120)
    ap.add_argument('--saves', type=int, default=14, help='about this many log-spaced epochs, 0 included')
    ap.add_argument('--width-div', type=int, default=8)
    ap.add_argument('--noise', type=float, default=0.01)
    ap.add_argument('--lr', type=float, default=0.01)
    ap.add_argument('--momentum', type=float, default=0.9)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    for flag, v in [('--train', a.train), ('--test', a.test), ('--epochs', a.epochs), ('--saves', a.saves)]:
        if v < 1:
            sys.exit(f'{flag}: expected a positive integer, got {v}')
    if not 0 <= a.noise < 1:
        sys.exit(f'--noise: expected a fraction in [0, 1), got {a.noise}')
    if not os.path.exists(os.path.join(a.data, 'train-images-idx3-ubyte.gz')):
        sys.exit(f'--data: {a.data} has no train-images-idx3-ubyte.gz (install dataset-fashion-mnist)')

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    tr_x = read_idx(f'{a.data}/train-images-idx3-ubyte.gz')[:a.train]
    tr_y = read_idx(f'{a.data}/train-labels-idx1-ubyte.gz')[:a.train].astype(np.int64)
    te_x = read_idx(f'{a.data}/t10k-images-idx3-ubyte.gz')[:a.test]
    te_y = read_idx(f'{a.data}/t10k-labels-idx1-ubyte.gz')[:a.test].astype(np.int64)
    mean, std = float(tr_x.mean() / 255), float((tr_x / 255).std())
    noisy = rng.choice(a.train, size=int(round(a.noise * a.train)), replace=False)
    y_train = tr_y.copy()
    y_train[noisy] = (tr_y[noisy] + rng.integers(1, 10, size=len(noisy))) % 10  # another class, uniformly

    def prep(x):
        return torch.from_numpy(((x.astype(np.float32) / 255 - mean) / std)[:, None])

    Xtr, Ytr = prep(tr_x), torch.from_numpy(y_train)
    Xte, Yte = prep(te_x), torch.from_numpy(te_y)

    model = VGG11(a.width_div)
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    saves = log_spaced_epochs(a.epochs, a.saves)
    params = int(sum(p.numel() for p in model.parameters()))
    base_meta = {
        'model': f'VGG-11 (channels / {a.width_div}, no batch norm), input 28x28 resized to 32x32 inside the model',
        'generatedBy': 'tools/training/fmnist_vgg11_series.py',
        'torch': torch.__version__,
        'parameters': params,
        'input': {'name': 'x', 'shape': ['batch', 1, 28, 28], 'type': 'float32', 'layout': 'NCHW'},
        'output': {'name': 'logits', 'shape': ['batch', 10]},
        'classes': CLASSES,
        'normalization': {'formula': '(pixel / 255 - mean) / std', 'mean': mean, 'std': std,
                          'source': f'the {a.train} training images, population std'},
        'training': {'optimizer': 'SGD', 'learningRate': a.lr, 'momentum': a.momentum, 'weightDecay': 0,
                     'batchSize': a.batch, 'epochs': a.epochs, 'trainImages': a.train, 'testImages': a.test,
                     'labelNoise': a.noise, 'noisyLabels': int(len(noisy)), 'seed': a.seed},
    }
    os.makedirs(a.out, exist_ok=True)
    entries, history = [], []
    gen = torch.Generator().manual_seed(a.seed)
    t0 = time.time()
    for epoch in range(a.epochs + 1):
        if epoch > 0:
            model.train()
            order = torch.randperm(a.train, generator=gen)
            for s in range(0, a.train, a.batch):
                idx = order[s:s + a.batch]
                opt.zero_grad()
                F.cross_entropy(model(Xtr[idx]), Ytr[idx]).backward()
                opt.step()
        tr_loss, tr_acc = evaluate(model, Xtr, Ytr)
        te_loss, te_acc = evaluate(model, Xte, Yte)
        row = {'epoch': epoch, 'trainLoss': tr_loss, 'testLoss': te_loss, 'trainAccuracy': tr_acc,
               'testAccuracy': te_acc}
        history.append(row)
        print(f'epoch {epoch}: train {tr_loss:.4f} / {tr_acc:.3f}  test {te_loss:.4f} / {te_acc:.3f}  '
              f'({time.time() - t0:.0f}s)', file=sys.stderr, flush=True)
        if epoch in saves:
            export(model, os.path.join(a.out, f'epoch-{epoch}'), {**base_meta, 'epoch': epoch, **row})
            entries.append({'model': f'epoch-{epoch}/model.onnx', **row})
            write_json(os.path.join(a.out, 'index.json'), {
                'schema': 'orderlens/checkpoint-index@1', 'epochs': [e['epoch'] for e in entries],
                'labelNoise': a.noise, 'series': SERIES, 'checkpoints': entries})
        write_json(os.path.join(a.out, 'history.json'), {'training': base_meta['training'], 'epochs': history,
                                                          'seconds': round(time.time() - t0)})


def write_json(path, doc):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, path)


if __name__ == '__main__':
    main()
