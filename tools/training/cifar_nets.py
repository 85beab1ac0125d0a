#!/usr/bin/python3
"""Trains the ICLR-2022 paper's CIFAR-10 networks and exports them as ONNX fixtures.

    nice -n 19 /usr/bin/python3 tools/training/cifar_nets.py --arch alexnet [--epochs 30] [--width 0.5]

Networks (`--arch`, output folder `fixtures/cifar-<arch>/`):
  alexnet   the authors' CIFAR variant of AlexNet (Nebularaid2000/bottleneck, models/alexnet.py,
            `our_AlexNet('cifar10')`): conv 7×7/1 64, pool 3/2, conv 5×5 192, pool, conv 384, 256,
            256, pool, dropout, FC 512, dropout, FC 512, FC 10; no BatchNorm.
  vgg11     VGG-11 with BatchNorm (configuration A: 64, M, 128, M, 256, 256, M, 512, 512, M, 512,
            512, M), one linear classifier on the 1×1×512 output, as in the CIFAR ports.
  resnet20  ResNet-20 of He et al. (2016) §4.2: 3 stages of 3 basic blocks, 16/32/64 channels,
            option-A shortcuts (strided subsampling, zero channel padding), global average pooling.
`--width` multiplies every channel count (and AlexNet's FC width); 1.0 is the published size. CPU
time on this project's shared 2-core machine forces narrower networks and fewer epochs than the
paper: what was used is recorded in meta.json (`training.width`, `training.epochs`).

Recipe (the authors' code, PAPER-SETTINGS.md): SGD lr 0.01, momentum 0.9, weight decay 5e-4,
batch 128 (`--batch`), random crop (pad 4) and horizontal flip, the learning rate decayed log-spaced from lr to
lr/10 over the epochs (one step per epoch), and the checkpoint with the best validation accuracy.
The authors validate on the test set; here the validation split is the last 200 of the 2,000
shipped training images (20 per class: records are interleaved by class), so the test accuracy
reported on the 1,000 test images is not used for selection.

Data: packages/vision/data/cifar10 (JPEG-decoded CIFAR-10 subset, see its PROVENANCE.md);
normalisation: per-channel mean and population std of the 1,800 training images.
"""
import argparse
import copy
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fixtures', 'vision'))
from cifar_data import CLASSES, ROOT, augment, normalisation, read_cifar  # noqa: E402

SEED = 0
BATCH = 128
LR = 0.01
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4
VALIDATION = 200  # last records of the shipped training subset, class-balanced


def ch(c, width):
    return max(4, int(round(c * width)))


class AlexNetCifar(nn.Module):
    """The authors' `our_AlexNet('cifar10')`, channel counts scaled by `width`."""

    def __init__(self, width):
        super().__init__()
        c1, c2, c3, c4, c5, fc = (ch(c, width) for c in (64, 192, 384, 256, 256, 512))
        self.features = nn.Sequential(
            nn.Conv2d(3, c1, 7, stride=1, padding=3), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1),
            nn.Conv2d(c1, c2, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1),
            nn.Conv2d(c2, c3, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c3, c4, 3, padding=1), nn.ReLU(),
            nn.Conv2d(c4, c5, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(), nn.Linear(c5 * 4 * 4, fc), nn.ReLU(), nn.Dropout(),
            nn.Linear(fc, fc), nn.ReLU(), nn.Linear(fc, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


class Vgg11Bn(nn.Module):
    def __init__(self, width):
        super().__init__()
        layers, c_in = [], 3
        for v in (64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'):
            if v == 'M':
                layers.append(nn.MaxPool2d(2))
            else:
                c = ch(v, width)
                layers += [nn.Conv2d(c_in, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU()]
                c_in = c
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(c_in, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.stride, self.pad = stride, c_out - c_in

    def shortcut(self, x):
        # Option A of the paper: parameter-free, subsample and pad the new channels with zeros.
        if self.stride != 1:
            x = x[:, :, ::self.stride, ::self.stride]
        if self.pad:
            x = F.pad(x, (0, 0, 0, 0, self.pad // 2, self.pad - self.pad // 2))
        return x

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self, width):
        super().__init__()
        widths = [ch(c, width) for c in (16, 32, 64)]
        self.conv1 = nn.Conv2d(3, widths[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        blocks, c_in = [], widths[0]
        for stage, c in enumerate(widths):
            for b in range(3):
                blocks.append(BasicBlock(c_in, c, 2 if stage > 0 and b == 0 else 1))
                c_in = c
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(c_in, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        out = self.blocks(F.relu(self.bn1(self.conv1(x))))
        return self.fc(out.mean(dim=(2, 3)))


ARCHS = {
    'alexnet': (AlexNetCifar, 'the authors\' CIFAR AlexNet (our_AlexNet cifar10): conv7-64, pool, conv5-192, pool, '
                'conv3-384, conv3-256, conv3-256, pool, FC 512, FC 512, FC 10, dropout 0.5, no BatchNorm', 0,
                'output of the 1st ReLU (after conv1)'),
    'vgg11': (Vgg11Bn, 'VGG-11 with BatchNorm (configuration A), one linear classifier', 1,
              'output of the 2nd ReLU'),
    'resnet20': (ResNet20, 'ResNet-20 (3x3 basic blocks, option-A shortcuts, global average pooling)', 0,
                 'output of the 1st ReLU (stem)'),
}


def rename_relu(path, index, new_name):
    """Renames the output of the `index`-th Relu node so feature-map masking can name it."""
    import onnx
    m = onnx.load(path)
    relus = [n for n in m.graph.node if n.op_type == 'Relu']
    old = relus[index].output[0]
    for node in m.graph.node:
        node.output[:] = [new_name if o == old else o for o in node.output]
        node.input[:] = [new_name if i == old else i for i in node.input]
    for vi in m.graph.value_info:
        if vi.name == old:
            vi.name = new_name
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return old


def accuracy(model, X, y, batch=250):
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(X), batch):
            correct += int((model(X[s:s + batch]).argmax(1) == y[s:s + batch]).sum())
    return correct / len(X)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--arch', required=True, choices=sorted(ARCHS))
    p.add_argument('--epochs', type=int, default=30)
    p.add_argument('--width', type=float, default=1.0)
    p.add_argument('--batch', type=int, default=BATCH,
                   help='batch size (the recipe: 128; 1,800 images give only 15 steps per epoch at 128)')
    p.add_argument('--init', choices=['default', 'kaiming'], default='default',
                   help="weights: torch's defaults, or Kaiming-normal (fan-in, ReLU) for convolutions and "
                        "linear layers (AlexNet without BatchNorm stays at chance for hundreds of steps "
                        "with the defaults, too many for this CPU budget)")
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--out', default=None, help='output folder (default fixtures/cifar-<arch>)')
    a = p.parse_args()
    if a.epochs < 1:
        p.error('--epochs: expected a positive integer')
    if a.batch < 1:
        p.error('--batch: expected a positive integer')
    if not 0 < a.width <= 1:
        p.error('--width: expected a number in (0, 1]')
    torch.set_num_threads(a.threads)
    torch.manual_seed(SEED)
    out_dir = a.out or os.path.join(ROOT, 'fixtures', f'cifar-{a.arch}')

    images, labels = read_cifar('train')
    te_x, te_y = read_cifar('test')
    tr_x, tr_y = images[:-VALIDATION], labels[:-VALIDATION]
    va_x, va_y = images[-VALIDATION:], labels[-VALIDATION:]
    mean, std = normalisation(tr_x)
    mu = np.array(mean, np.float32)[None, :, None, None]
    sd = np.array(std, np.float32)[None, :, None, None]

    def prep(x):
        return torch.from_numpy(((x.astype(np.float32) / 255.0 - mu) / sd).astype(np.float32))

    Xtr, Ytr = prep(tr_x), torch.from_numpy(tr_y)
    Xva, Yva = prep(va_x), torch.from_numpy(va_y)
    Xte, Yte = prep(te_x), torch.from_numpy(te_y)

    cls, description, cut_index, cut_description = ARCHS[a.arch]
    model = cls(a.width)
    if a.init == 'kaiming':
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    # log-spaced decay from LR to LR/10, as the authors' trainer (np.logspace over the epochs)
    lrs = np.logspace(0, -1, a.epochs) * LR
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(SEED)
    best = (-1.0, -1, None)
    history = []
    t0, c0 = time.time(), time.process_time()
    for epoch in range(a.epochs):
        for group in opt.param_groups:
            group['lr'] = float(lrs[epoch])
        model.train()
        order = torch.randperm(len(Xtr), generator=gen)
        total = 0.0
        for st in range(0, len(order), a.batch):
            idx = order[st:st + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(augment(Xtr[idx], gen)), Ytr[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        val = accuracy(model, Xva, Yva)
        history.append({'epoch': epoch + 1, 'loss': round(total / len(Xtr), 4), 'val': val})
        if val > best[0]:
            best = (val, epoch + 1, copy.deepcopy(model.state_dict()))
        print(f'{a.arch} epoch {epoch + 1}: lr {lrs[epoch]:.4g} loss {total / len(Xtr):.4f} val {val:.3f} '
              f'({time.time() - t0:.0f}s wall, {time.process_time() - c0:.0f}s CPU)', file=sys.stderr, flush=True)
    model.load_state_dict(best[2])
    model.eval()
    train_acc, val_acc, test_acc = accuracy(model, Xtr, Ytr), best[0], accuracy(model, Xte, Yte)
    seconds = time.time() - t0

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, 'model.onnx')
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, input_names=['x'], output_names=['logits'],
                      opset_version=13, do_constant_folding=True,
                      dynamic_axes={'x': {0: 'batch'}, 'logits': {0: 'batch'}})
    cut_name = 'relu1' if cut_index == 0 else f'relu{cut_index + 1}'
    old_name = rename_relu(path, cut_index, cut_name)
    with torch.no_grad():
        logits = model(Xte[:5]).numpy()
        relus = []
        hook = [m for m in model.modules() if isinstance(m, nn.ReLU)]
        if hook:
            h = hook[cut_index].register_forward_hook(lambda _m, _i, o: relus.append(o.shape))
            model(Xte[:1])
            h.remove()
        else:  # ResNet-20 uses functional ReLUs: the stem's output has conv1's shape
            relus.append(model.bn1(model.conv1(Xte[:1])).shape)
    meta = {
        'model': f'{description}; width x{a.width}',
        'generatedBy': 'tools/training/cifar_nets.py',
        'command': f'nice -n 19 /usr/bin/python3 tools/training/cifar_nets.py --arch {a.arch} '
                   f'--epochs {a.epochs} --width {a.width} --batch {a.batch} --init {a.init}',
        'torch': torch.__version__,
        'parameters': int(sum(p.numel() for p in model.parameters())),
        'input': {'name': 'x', 'shape': ['batch', 3, 32, 32], 'type': 'float32', 'layout': 'NCHW',
                  'channelOrder': 'RGB'},
        'output': {'name': 'logits', 'shape': ['batch', 10]},
        'classes': CLASSES,
        'normalization': {'formula': '(pixel / 255 - mean[c]) / std[c]', 'mean': mean, 'std': std,
                          'source': 'the first 1,800 training images of packages/vision/data/cifar10, '
                                    'population std'},
        'cutTensor': {'name': cut_name, 'shape': ['batch'] + list(relus[0][1:]), 'description': cut_description,
                      'exportedName': old_name},
        'training': {'epochs': a.epochs, 'bestEpoch': best[1], 'width': a.width, 'batchSize': a.batch, 'cpuSeconds': round(time.process_time() - c0),
                     'init': a.init, 'optimizer': 'SGD', 'learningRate': LR, 'momentum': MOMENTUM, 'weightDecay': WEIGHT_DECAY,
                     'schedule': 'log-spaced per epoch from lr to lr/10',
                     'augmentation': 'random crop (pad 4), h-flip', 'seed': SEED, 'images': int(len(Xtr)),
                     'validationImages': VALIDATION, 'threads': a.threads, 'seconds': round(seconds),
                     'history': history},
        'trainAccuracy': train_acc,
        'validationAccuracy': val_acc,
        'testAccuracy': test_acc,
        'data': 'packages/vision/data/cifar10 (CIFAR-10 subset decoded from JPEG q75): train = records '
                '0-1799 of train_subset_2000, validation = records 1800-1999, test = test_subset.bin.gz',
        'examples': [{'testIndex': k, 'label': int(te_y[k]), 'logits': [float(v) for v in logits[k]]}
                     for k in range(5)],
    }
    with open(os.path.join(out_dir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(f'{a.arch}: train {train_acc:.4f} val {val_acc:.4f} (epoch {best[1]}) test {test_acc:.4f}; '
          f'{meta["parameters"]} parameters; {seconds:.0f}s', file=sys.stderr)


if __name__ == '__main__':
    main()
