#!/usr/bin/env python3
"""Run the authors' AND-OR learning code on orderlens' exact value tables and compare.

The authors' code (sjtu-xai-lab/interaction-concept, commit e92e776) is NOT part of this
repository: export it to a scratch folder and pass its `src/` folder, e.g.

    git -C <mirror> archive HEAD src | tar x -C /tmp/authors-andor
    python3 tools/experiments/and_or_authors_compare.py --authors-src /tmp/authors-andor/src \
        --tables orderlens-out/reproduce-and-or-sparsity/tables --out compare.json

Input: `tables/<network>.json` written by `orderlens reproduce and-or-sparsity`: per sample the
`2^n` values `v(T)` (bit j of T set iff player j present) and the orderlens `authors` preset's
merged AND/OR vectors, final loss and salient sets.

What is run, per sample, with their defaults (README.md:22-23): `AndOrHarsanyiSparsifier`
(trick `pq`, loss `l1`, lr 1e-5, niter 10000, qthres 0.04, qstd `vN-v0`) on the reward shifted by
v(∅) (their `0-v0`), then `reorganize_and_or_harsanyi` (singletons and ∅ merged into AND) and the
salient rule of experiments/exp_utils.py:144-152 (|I| >= 0.01 max |I| over AND and OR together).

Their masks: `generate_all_masks` writes index i in binary with player 0 as the MOST significant
bit; orderlens' player j is bit j (least significant first). The tables are permuted into their
order (bit reversal) before the run and the results permuted back.
"""

import argparse
import json
import os
import sys
import time
import types

import numpy as np
import torch


def stub_missing_modules():
    """tqdm and matplotlib are only progress bars and plots in their code; neither is installed here."""
    try:
        import tqdm  # noqa: F401
    except ImportError:
        class _Bar:
            def __init__(self, iterable=None, *a, **k):
                self.iterable = iterable

            def __iter__(self):
                return iter(self.iterable)

            def set_postfix_str(self, *a, **k):
                pass

        mod = types.ModuleType('tqdm')
        mod.tqdm = _Bar
        sys.modules['tqdm'] = mod
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        class _Any(types.ModuleType):
            __path__ = []  # a package, so that `import matplotlib.pyplot` resolves to the stub below

            def __getattr__(self, name):
                if name.startswith('__'):
                    raise AttributeError(name)
                return _Any(name)

            def __call__(self, *a, **k):
                return _Any('call')

        for name in ['matplotlib', 'matplotlib.pyplot', 'matplotlib.cm', 'matplotlib.colors', 'matplotlib.patches', 'matplotlib.ticker', 'seaborn']:
            sys.modules[name] = _Any(name)


def bit_reverse_permutation(n):
    """perm[i] = orderlens mask of the authors' index i (player j at bit n-1-j there, bit j here)."""
    perm = np.zeros(2 ** n, dtype=np.int64)
    for i in range(2 ** n):
        m = 0
        for j in range(n):
            if (i >> (n - 1 - j)) & 1:
                m |= 1 << j
        perm[i] = m
    return perm


class TableCalculator:
    """The attributes of their `AndOrHarsanyi` that `AndOrHarsanyiSparsifier` reads."""

    def __init__(self, rewards, reward2Iand, reward2Ior):
        self.rewards = rewards
        self.v_empty = rewards[0]
        self.v_N = rewards[-1]
        self.reward2Iand = reward2Iand
        self.reward2Ior = reward2Ior


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--authors-src', required=True, help="the authors' src/ folder (exported, not in this repo)")
    ap.add_argument('--tables', required=True, help='tables/ folder of reproduce and-or-sparsity')
    ap.add_argument('--networks', default=None, help='comma-separated ids (default: every table)')
    ap.add_argument('--samples', type=int, default=None, help='first k samples per network')
    ap.add_argument('--lr', type=float, default=1e-5)
    ap.add_argument('--niter', type=int, default=10000)
    ap.add_argument('--qthres', type=float, default=0.04)
    ap.add_argument('--dtype', choices=['float32', 'float64'], default='float32',
                    help='their code runs float32 (model outputs); float64 separates rounding from conventions')
    ap.add_argument('--perturb', type=float, default=0.0,
                    help='multiply every v(T) by (1 + perturb·u), u uniform in [-1, 1] (seed 0): how far a rounding-size change moves the result')
    ap.add_argument('--no-permute', action='store_true', help='feed orderlens mask order unchanged')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()

    stub_missing_modules()
    sys.path.insert(0, os.path.abspath(args.authors_src))
    from harsanyi.and_or_harsanyi import AndOrHarsanyiSparsifier
    from harsanyi.and_or_harsanyi_utils import get_reward2Iand_mat, get_reward2Ior_mat
    from harsanyi.aog_inference import reorganize_and_or_harsanyi
    from harsanyi.interaction_utils import generate_all_masks

    torch.set_num_threads(1)
    dtype = torch.float32 if args.dtype == 'float32' else torch.float64
    files = sorted(f for f in os.listdir(args.tables) if f.endswith('.json'))
    if args.networks:
        wanted = args.networks.split(',')
        files = [f for f in files if f[:-5] in wanted]
    mats = {}
    report = {'settings': vars(args), 'networks': []}
    for f in files:
        doc = json.load(open(os.path.join(args.tables, f)))
        n = doc['n']
        if n not in mats:
            t0 = time.time()
            mats[n] = (get_reward2Iand_mat(n).to(dtype), get_reward2Ior_mat(n).to(dtype),
                       torch.BoolTensor(generate_all_masks(n)))
            print(f'n = {n}: matrices in {time.time() - t0:.1f} s', flush=True)
        Mand, Mor, all_masks = mats[n]
        perm = np.arange(2 ** n) if args.no_permute else bit_reverse_permutation(n)
        inv = np.argsort(perm)  # inv[orderlens mask] = authors' index
        samples = doc['samples'][: args.samples] if args.samples else doc['samples']
        out_samples = []
        for k, s in enumerate(samples):
            v = np.asarray(s['values'], dtype=np.float64)
            if args.perturb:
                v = v * (1 + args.perturb * np.random.default_rng(k).uniform(-1, 1, v.shape))
            v = v - v[0]  # their `0-v0` reward
            rewards = torch.tensor(v[perm], dtype=dtype)
            calc = TableCalculator(rewards, Mand, Mor)
            sp = AndOrHarsanyiSparsifier(calc, trick='pq', loss='l1', lr=args.lr, niter=args.niter,
                                         qthres=args.qthres, qstd='vN-v0')
            t0 = time.time()
            sp.sparsify()
            seconds = time.time() - t0
            Iand, Ior = sp.get_interaction()
            final_loss = float(torch.sum(torch.abs(Iand)) + torch.sum(torch.abs(Ior)))
            Iand_m, Ior_m = reorganize_and_or_harsanyi(all_masks, Iand, Ior)
            both = torch.cat([Iand_m, Ior_m])
            tau = 0.01 * torch.abs(both).max()  # exp_utils.get_significant_threshold
            a = Iand_m.double().numpy()[inv]
            o = Ior_m.double().numpy()[inv]
            tau = float(tau)
            sal_and = set(np.nonzero(np.abs(a) >= tau)[0].tolist())
            sal_or = set(np.nonzero(np.abs(o) >= tau)[0].tolist())
            entry = {'id': s['id'], 'seconds': seconds, 'finalLoss': final_loss, 'tau': tau,
                     'salientCount': len(sal_and - {0}) + len(sal_or - {0})}
            ours = doc.get('authors', [None] * len(samples))[k]
            if ours is not None:
                oa = set(ours['salientAnd'])
                oo = set(ours['salientOr'])
                ta = {('and', S) for S in sal_and} | {('or', S) for S in sal_or}
                to = {('and', S) for S in oa} | {('or', S) for S in oo}
                union = ta | to
                entry.update({
                    'orderlensFinalLoss': ours['finalLoss'],
                    'lossRelDiff': abs(final_loss - ours['finalLoss']) / max(abs(final_loss), 1e-300),
                    'orderlensTau': ours['tau'],
                    'orderlensSalientCount': len(oa - {0}) + len(oo - {0}),
                    'jaccard': len(ta & to) / len(union) if union else 1.0,
                    'exactMatch': ta == to,
                    'maxAbsDiffAnd': float(np.max(np.abs(a - np.asarray(ours['and'])))),
                    'maxAbsDiffOr': float(np.max(np.abs(o - np.asarray(ours['or'])))),
                    'maxAbsI': float(np.max(np.abs(np.concatenate([a, o])))),
                })
            out_samples.append(entry)
            print(json.dumps({'network': doc['network'], **entry}), flush=True)
        report['networks'].append({'network': doc['network'], 'n': n, 'samples': out_samples})
    with open(args.out, 'w') as fh:
        json.dump(report, fh, indent=1)


if __name__ == '__main__':
    main()
