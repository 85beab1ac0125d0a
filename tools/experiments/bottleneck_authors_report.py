#!/usr/bin/env python3
"""Tables of tools/experiments/authors-speed-compare.sh: seconds, calls, J(m) agreement, accuracy.

    python3 tools/experiments/bottleneck_authors_report.py <out dir>

Reads <out>/{best,paper,best-denormals,ref}/result.json (orderlens), <out>/authors.json (their
code path) and the *.time.json wall times. Accuracy is scored on orderlens' pairs against `ref`
(many contexts, bracketed |I|): its bias bound is `plain − bracket` (half the gap between the
plain mean, biased up, and the cross-fit mean, biased down), its standard error from the samples'
context standard errors. The authors' own run has other pairs, so it is compared with orderlens'
run of the same protocol (`paper`: 20 contexts, plain mean) within the pair-sampling error.
"""

import json
import math
import os
import sys

import numpy as np


def load(out, name):
    with open(os.path.join(out, name, 'result.json')) as f:
        r = json.load(f)
    with open(os.path.join(out, name + '.time.json')) as f:
        t = json.load(f)
    r['seconds'], r['cpuSeconds'] = t['seconds'], t.get('cpuSeconds', math.nan)
    return r


def per_pair_abs(r):
    """(order, unit) of |Î| over every (sample, pair)."""
    return np.concatenate([np.abs(np.array(s['multiOrder']['values'])).T for s in r['samples']], axis=1)


def strength(r):
    return np.mean([s['strength'] for s in r['samples']], axis=0)


def strength_se(r):
    se = np.array([s['strengthError'] for s in r['samples']])
    return np.sqrt((se ** 2).sum(axis=0)) / len(r['samples'])


def main():
    if len(sys.argv) != 2:
        raise SystemExit('usage: bottleneck_authors_report.py <out dir of authors-speed-compare.sh>')
    out = sys.argv[1]
    names = ['best', 'paper', 'best-denormals', 'ref'] + (['adaptive'] if os.path.isdir(os.path.join(out, 'adaptive')) else [])
    runs = {name: load(out, name) for name in names}
    with open(os.path.join(out, 'authors.json')) as f:
        authors = json.load(f)
    with open(os.path.join(out, 'authors.time.json')) as f:
        t = json.load(f)
    authors['wall'], authors['cpu'] = t['seconds'], t.get('cpuSeconds', math.nan)
    ref = runs['ref']
    orders = ref['orders']
    if orders != authors['orders']:
        raise SystemExit(f'orders differ: orderlens {orders}, authors {authors["orders"]}')
    ids = [s['id'] for s in ref['samples']]
    for name, r in runs.items():
        if [s['id'] for s in r['samples']] != ids:
            raise SystemExit(f'{name}: other images than ref')
    if authors['samples'] != ids:
        raise SystemExit('authors.json: other images than orderlens')

    j_ref = strength(ref)
    ref_bound = per_pair_abs(ref).mean(axis=1) - j_ref  # plain − bracket = half the plain/cross-fit gap
    ref_se = strength_se(ref)
    sampled = [k for k, m in enumerate(orders) if 0 < m < orders[-1]]

    lines = [f"# The authors' ICLR-2022 code against orderlens, CIFAR AlexNet (fixtures/cifar-alexnet)", '',
             f"{len(ids)} images ({', '.join(ids)}), {authors['pairs']} pairs, 13 ratios; "
             f"threads: {authors['torchThreads']} (torch), the same for ONNX Runtime.", '',
             '| run | contexts | J(m) from | model calls | wall s | CPU s | × the authors (wall) | × the authors (CPU) | worst error vs reference (sampled orders) |',
             '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |']
    a_sec, a_cpu = authors['wall'], authors['cpu']
    lines.append(f"| authors' code (PyTorch {authors['torch']}) | {authors['contexts']} | plain | "
                 f"{authors['modelCalls']:,} | {a_sec:.1f} | {a_cpu:.1f} | 1.00 | 1.00 | "
                 "(other pairs: see agreement) |")
    rows = [('paper', "orderlens `reference` (the authors' protocol)"), ('best', 'orderlens `unbiased`'),
            ('best-denormals', 'orderlens `unbiased --keep-denormals`'), ('adaptive', 'orderlens `adaptive`'),
            ('ref', 'orderlens reference run')]
    for name, label in [row for row in rows if row[0] in runs]:
        r = runs[name]
        err = strength(r) / j_ref - 1
        worst = max(sampled, key=lambda k: abs(err[k]))
        calls = r['modelCalls']['total']
        opts = r['estimator']['options']
        lines.append(f"| {label} | {opts.get('contexts', 'adaptive')} | {opts.get('strength', 'bracket')} | "
                     f"{calls:,} | {r['seconds']:.1f} | {r['cpuSeconds']:.1f} | {a_sec / r['seconds']:.2f} | {a_cpu / r['cpuSeconds']:.2f} | "
                     + ('—' if name == 'ref' else f"{100 * err[worst]:+.1f} % (m = {orders[worst]})") + ' |')
    lines += ['', 'Per order (J(m) unnormalised, mean over images of the mean |I| over pairs):', '',
              '| m | reference (± s.e., bias bound) | `reference` 20 plain: error | `unbiased` bracket: error | '
              "authors' code | authors − orderlens `reference`, in s.e. |",
              '| ---: | ---: | ---: | ---: | ---: | ---: |']
    paper_units = per_pair_abs(runs['paper'])
    paper_se = paper_units.std(axis=1, ddof=1) / math.sqrt(paper_units.shape[1])
    e_paper = strength(runs['paper']) / j_ref - 1
    e_best = strength(runs['best']) / j_ref - 1
    se_best = strength_se(runs['best']) / j_ref
    se_paper = strength_se(runs['paper']) / j_ref
    worst_z = 0.0
    for k, m in enumerate(orders):
        diff = authors['raw'][k] - strength(runs['paper'])[k]
        se = math.hypot(authors['rawSe'][k], paper_se[k])
        z = diff / se if se > 0 else 0.0
        worst_z = max(worst_z, abs(z))
        lines.append(f"| {m} | {j_ref[k]:.4g} ± {ref_se[k]:.2g}, ≤ {max(ref_bound[k], 0):.2g} | "
                     f"{100 * e_paper[k]:+.1f} % ± {100 * se_paper[k]:.1f} | {100 * e_best[k]:+.1f} % ± {100 * se_best[k]:.1f} | "
                     f"{authors['raw'][k]:.4g} | {z:+.2f} |")
    rms = lambda e: math.sqrt(np.mean([e[k] ** 2 for k in sampled]))  # noqa: E731
    scored = [(label, strength(runs[name]) / j_ref - 1) for name, label in rows if name in runs and name not in ('ref', 'best-denormals')]
    lines += ['', 'RMS error over the sampled orders: ' + ', '.join(f'{label} {100 * rms(e):.1f} %' for label, e in scored)
              + f". Worst |authors − orderlens `reference`| {worst_z:.2f} standard errors (pairs and contexts of both runs)."]
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
