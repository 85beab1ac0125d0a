#!/usr/bin/env python3
"""Run the authors' ICLR-2022 J(m) code path on orderlens' CIFAR AlexNet and images; time it.

The authors' code (Nebularaid2000/bottleneck) is NOT part of this repository: export it to a
scratch folder and pass it, e.g.

    git --git-dir=<mirror> archive HEAD | tar x -C /tmp/authors-bottleneck
    python3 tools/experiments/bottleneck_authors_jm.py --authors /tmp/authors-bottleneck \
        --samples-from <orderlens out>/result.json --pairs 20 --contexts 20 --out authors.json

`tools/experiments/authors-speed-compare.sh` does all of it and runs orderlens beside it.

What is run, per image, is their pipeline with its own functions:
- `gen_pairs_pixel.gen_pairs` (stride 2, clamped) and the context loop of gen_pairs_pixel.py's
  main (lines 92-106: `np.random.choice(context, m, replace=False)` per context, seeded
  `1000·index + m + 1 + seed`);
- `m_order_interaction_logit_pixel_baseline.compute_order_interaction_img` (masks, nearest
  upsampling, batches of `cal_batch // samples` pairs, the model's logits);
- `compute_interactions.compute_order_interaction_img` (`get_reward` "modified" = log p/(1−p),
  Δv = v(S∪{i,j}) + v(S) − v(S∪{i}) − v(S∪{j}));
- draw_figures.py's `get_interactions_strength`: `I(m) = mean over images and pairs of |mean Δv|`.
Their io handlers (files on disk) are replaced by in-memory ones with the same load/save calls.

The network: their `our_AlexNet('cifar10')` at orderlens' width (fixtures/cifar-alexnet is that
architecture with channels ×0.25, tools/training/cifar_nets.py `AlexNetCifar`), with the weights
of fixtures/cifar-alexnet/model.onnx. The images: the ones orderlens analysed (`--samples-from`),
read from the same shipped CIFAR subset. Masked patches are 0 in normalised space (their
`mask * normalised image`), orderlens' `--baseline mean`.
"""

import argparse
import json
import os
import sys
import time
import types

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))


def stub_missing_modules():
    """torchvision and matplotlib are only data loading and plots in their code; neither is installed here."""

    class _Any(types.ModuleType):
        __path__ = []  # a package, so that `import x.y` resolves to the stubs below

        def __getattr__(self, name):
            if name.startswith('__'):
                raise AttributeError(name)
            return _Any(name)

        def __call__(self, *a, **k):
            return _Any('call')

    for name in ['torchvision', 'torchvision.transforms', 'torchvision.datasets', 'torchvision.models',
                 'torchvision.models.utils', 'matplotlib', 'matplotlib.pyplot']:
        try:
            __import__(name)
        except ImportError:
            sys.modules[name] = _Any(name)


class MemoryHandler:
    """Their io handlers' `save(ratio_percent, name, array)` / `load(ratio_percent, name)`, in memory."""

    def __init__(self):
        self.store = {}

    def save(self, key, name, value):
        self.store[(key, name)] = value

    def load(self, key, name):
        return self.store[(key, name)]


def load_model(onnx_path):
    import onnx
    from onnx import numpy_helper
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'training'))
    from cifar_nets import AlexNetCifar  # noqa: E402

    model = AlexNetCifar(0.25)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(onnx_path).graph.initializer}
    missing = set(model.state_dict()) ^ set(weights)
    if missing:
        raise SystemExit(f'--model: the ONNX initialisers do not match AlexNetCifar(0.25): {sorted(missing)}')
    model.load_state_dict(weights)
    return model.eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--authors', required=True, help='exported Nebularaid2000/bottleneck tree')
    ap.add_argument('--model', default=os.path.join(ROOT, 'fixtures', 'cifar-alexnet', 'model.onnx'))
    ap.add_argument('--samples-from', required=True, help='orderlens result.json whose images are used')
    ap.add_argument('--pairs', type=int, default=20)
    ap.add_argument('--contexts', type=int, default=20)
    ap.add_argument('--cal-batch', type=int, default=100, help='their --cal_batch (default 100)')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default)')
    ap.add_argument('--flush-denormal', action='store_true', help='torch.set_flush_denormal(True) (not in their code)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', required=True)
    args_cli = ap.parse_args()

    authors = os.path.abspath(args_cli.authors)
    for f in ['gen_pairs_pixel.py', 'm_order_interaction_logit_pixel_baseline.py', 'compute_interactions.py']:
        if not os.path.isfile(os.path.join(authors, f)):
            raise SystemExit(f'--authors: {authors} has no {f} (export Nebularaid2000/bottleneck there)')
    if not os.path.isfile(args_cli.samples_from):
        raise SystemExit(f'--samples-from: {args_cli.samples_from} is not an orderlens result.json')
    if args_cli.threads > 0:
        torch.set_num_threads(args_cli.threads)
    if args_cli.flush_denormal:
        torch.set_flush_denormal(True)

    stub_missing_modules()
    os.chdir(authors)  # common.py reads config.yaml from the working directory
    sys.path.insert(0, authors)
    import gen_pairs_pixel as gp  # noqa: E402
    import m_order_interaction_logit_pixel_baseline as mo  # noqa: E402
    import compute_interactions as ci  # noqa: E402
    from util.utils import seed_torch, normalize  # noqa: E402

    result = json.load(open(args_cli.samples_from))
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures', 'vision'))
    from cifar_data import read_cifar  # noqa: E402
    images, labels = read_cifar('test')
    samples = [(s['id'], s['index'], s['label']) for s in result['samples']]

    model = load_model(args_cli.model)
    grid = 16
    args = types.SimpleNamespace(
        grid_size=grid, pairs_number=args_cli.pairs, samples_number_of_s=args_cli.contexts, stride=2,
        ratios=[0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0], cal_batch=args_cli.cal_batch,
        device=torch.device('cpu'), dataset='cifar10', class_number=10, softmax_type='modified', seed=args_cli.seed)

    players, logits, inter = MemoryHandler(), MemoryHandler(), MemoryHandler()
    calls = 0
    t0 = time.perf_counter()
    strengths = []  # (image, ratio, pair) of |mean Δv|
    for index, (name, record, label) in enumerate(samples):
        if int(labels[record]) != label:
            raise SystemExit(f'--samples-from: sample {name} has label {label}, the shipped subset {labels[record]}')
        # gen_pairs_pixel.py main, lines 86-106
        seed_torch(1000 * index + args.seed)
        pairs = gp.gen_pairs(grid, args.pairs_number, args.stride)
        for ratio in args.ratios:
            m = int((grid ** 2 - 2) * ratio)
            seed_torch(1000 * index + m + 1 + args.seed)
            per_ratio = []
            for pair in pairs:
                context = list(range(grid ** 2))
                context.remove(pair[0])
                context.remove(pair[1])
                per_ratio.append([np.random.choice(context, m, replace=False) for _ in range(args.samples_number_of_s)])
            players.save(round(ratio * 100), name, np.array(per_ratio))
        # m_order_interaction_logit_pixel_baseline.py compute_interactions, then compute_interactions.py
        image = torch.from_numpy(images[record].astype(np.float32) / 255.0).unsqueeze(0)
        image = normalize(args, image)
        label_t = torch.tensor([label])
        with torch.no_grad():  # orderlens kept correctly classified images only: the weights must agree
            predicted = int(model(image).argmax())
        if predicted != label:
            raise SystemExit(f'--model: the PyTorch AlexNet predicts {predicted} for {name}, orderlens saw {label}')
        for ratio in args.ratios:
            order = int((grid ** 2 - 2) * ratio)
            seed_torch(1000 * index + order + args.seed)
            mo.compute_order_interaction_img(args, model, image, image.shape, name, pairs, ratio, players, logits)
            calls += logits.load(round(ratio * 100), name).shape[0]
            ci.compute_order_interaction_img(args, name, label_t, ratio, logits, inter)
        strengths.append([np.abs(np.mean(inter.load(round(r * 100), name), axis=1)) for r in args.ratios])
    seconds = time.perf_counter() - t0
    s = np.array(strengths)  # (image, ratio, pair)
    raw = s.mean(axis=(0, 2))
    # standard error over the (image, pair) units of |Î|, per ratio
    units = s.transpose(1, 0, 2).reshape(len(args.ratios), -1)
    raw_se = units.std(axis=1, ddof=1) / np.sqrt(units.shape[1])
    out = {
        'what': "authors' ICLR-2022 code path (Nebularaid2000/bottleneck) on fixtures/cifar-alexnet",
        'samples': [x[0] for x in samples], 'pairs': args.pairs_number, 'contexts': args.samples_number_of_s,
        'ratios': args.ratios, 'orders': [int((grid ** 2 - 2) * r) for r in args.ratios],
        'raw': raw.tolist(), 'rawSe': raw_se.tolist(), 'J': (raw / raw.mean()).tolist(),
        'modelCalls': int(calls), 'seconds': seconds, 'torchThreads': torch.get_num_threads(),
        'flushDenormal': bool(args_cli.flush_denormal), 'torch': torch.__version__,
    }
    with open(args_cli.out, 'w') as f:
        json.dump(out, f, indent=1)
    print(f"\nauthors' code: {len(samples)} images, {calls} model calls, {seconds:.1f} s "
          f"({calls / seconds:.0f} calls/s, {torch.get_num_threads()} torch threads)")


if __name__ == '__main__':
    main()
