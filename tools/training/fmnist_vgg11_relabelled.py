#!/usr/bin/python3
"""Records which training images fmnist_vgg11_series.py relabelled, and ships them with clean ones.

fmnist_vgg11_series.py draws its label noise from `np.random.default_rng(seed)` before anything
else uses that generator, and did not write the draw down. This script repeats exactly that draw
(same data, same --train, --noise and --seed) and writes, for `orderlens mislabeled`:

    <out>/images-idx3-ubyte.gz, <out>/labels-idx1-ubyte.gz   the relabelled training images and the
        first --clean ones that kept their label, in training order; the labels are the ones the
        series was TRAINED on (the wrong ones for the relabelled images)
    <out>/relabelled.json   orderlens/relabelled-samples@1: positions of the relabelled images in
        those files (what --relabelled reads), their indices in the training set, original and
        trained labels

    /usr/bin/python3 tools/training/fmnist_vgg11_relabelled.py \
        --data <dataset-fashion-mnist>/usr/share/datasets/fashion-mnist \
        --out fixtures/two-phase/fmnist-vgg11/label-noise
"""
import argparse
import gzip
import json
import os
import struct

import numpy as np

from fmnist_vgg11_series import read_idx, CLASSES


def write_idx(path, array):
    dims = array.shape
    code = 0x08  # unsigned byte
    header = struct.pack('>BBBB', 0, 0, code, len(dims)) + b''.join(struct.pack('>I', d) for d in dims)
    with gzip.GzipFile(path, 'wb', mtime=0) as f:  # mtime 0: the same bytes on every run
        f.write(header + array.astype(np.uint8).tobytes())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    ap.add_argument('--out', required=True)
    # The series' defaults (its --train, --noise, --seed): the draw depends on these only.
    ap.add_argument('--train', type=int, default=3000)
    ap.add_argument('--noise', type=float, default=0.01)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--clean', type=int, default=30, help='clean training images shipped beside the relabelled ones')
    a = ap.parse_args()
    tr_x = read_idx(f'{a.data}/train-images-idx3-ubyte.gz')[:a.train]
    tr_y = read_idx(f'{a.data}/train-labels-idx1-ubyte.gz')[:a.train].astype(np.int64)
    # Exactly the series' draw: the first two uses of default_rng(seed).
    rng = np.random.default_rng(a.seed)
    noisy = rng.choice(a.train, size=int(round(a.noise * a.train)), replace=False)
    y_train = tr_y.copy()
    y_train[noisy] = (tr_y[noisy] + rng.integers(1, 10, size=len(noisy))) % 10
    assert (y_train[noisy] != tr_y[noisy]).all()
    noisy_set = set(int(i) for i in noisy)
    clean = [i for i in range(a.train) if i not in noisy_set][:a.clean]
    keep = sorted(noisy_set | set(clean))
    os.makedirs(a.out, exist_ok=True)
    write_idx(os.path.join(a.out, 'images-idx3-ubyte.gz'), tr_x[keep])
    write_idx(os.path.join(a.out, 'labels-idx1-ubyte.gz'), y_train[keep])
    rows = [{'position': p, 'trainingIndex': i, 'originalLabel': int(tr_y[i]), 'trainedLabel': int(y_train[i])}
            for p, i in enumerate(keep) if i in noisy_set]
    doc = {
        'schema': 'orderlens/relabelled-samples@1',
        'description': f'Fashion-MNIST training images relabelled by tools/training/fmnist_vgg11_series.py '
                       f'(--train {a.train} --noise {a.noise} --seed {a.seed}), with the first {a.clean} clean ones',
        'generatedBy': 'tools/training/fmnist_vgg11_relabelled.py',
        'classes': CLASSES,
        'candidates': len(keep),
        'relabelled': [r['position'] for r in rows],
        'samples': rows,
        'cleanTrainingIndices': clean,
    }
    with open(os.path.join(a.out, 'relabelled.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    print(f'{len(rows)} relabelled + {len(clean)} clean images written to {a.out}')


if __name__ == '__main__':
    main()
