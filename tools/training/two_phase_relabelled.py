#!/usr/bin/python3
"""Records which training samples two_phase_series.py relabelled, and ships them with clean ones.

two_phase_series.py draws its label noise with `noisy_labels(y, noise, classes, default_rng(seed))`
on a generator used for nothing else before, so the draw depends only on the training labels
(their number and classes), --noise and --seed. Series trained before it wrote the draw down
(fixtures/two-phase/sst2-bert, fixtures/two-phase/modelnet10-pointnet) get it back here by
repeating exactly that draw on the same training data; two_phase_series.py calls `write_label_noise`
itself from now on. Written for `orderlens mislabeled` (as fmnist_vgg11_relabelled.py does for the
Fashion-MNIST series), in <out>/label-noise/:

    text:        train.tsv        the relabelled training phrases and --clean ones that kept
                                  their label (evenly spaced over the training order), in training
                                  order, with the labels TRAINED on
    pointcloud:  clouds/<class>_<training index>.xyz   the same for clouds: the first 512 points as
                                  trained (raw; the adapter normalises them as the training did), the
                                  class in the name being the one trained on
    relabelled.json               orderlens/relabelled-samples@1: positions of the relabelled samples
                                  in the data the adapter reads from those files, their training
                                  indices, original and trained labels

    /usr/bin/python3 tools/training/two_phase_relabelled.py --modality text --series fixtures/two-phase/sst2-bert
    /usr/bin/python3 tools/training/two_phase_relabelled.py --modality pointcloud --series fixtures/two-phase/modelnet10-pointnet

The series' --train, --noise and --seed are read from its epoch-0/meta.json.
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))


def noisy_labels(y, fraction, classes, rng):
    """two_phase_series.py's draw (kept identical: the recorded series depend on it)."""
    noisy = rng.choice(len(y), size=int(round(fraction * len(y))), replace=False)
    out = y.copy()
    out[noisy] = (y[noisy] + rng.integers(1, classes, size=len(noisy))) % classes
    return out, noisy


def text_training_set(train_count, seed):
    """The phrases text_task trains on, in training order: its seeded choice of >= 8-word phrases."""
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures', 'text'))
    import sst2_bert as sst  # noqa: E402
    (train_s, train_y), _ = sst.load_sst2()
    long_ids = [i for i, s in enumerate(train_s) if len(s.split()) >= 8]
    pick = np.random.default_rng(seed).permutation(long_ids)[:train_count]
    return [train_s[i] for i in pick], np.array([train_y[i] for i in pick], dtype=np.int64), ['negative', 'positive']


def pointcloud_training_set(train_count):
    """The clouds pointcloud_task trains on: the first `train_count` training clouds, first 512 points, raw."""
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures', 'pointcloud'))
    import modelnet10 as mn  # noqa: E402
    classes, xtr, ytr, _, _ = mn.load_data()
    n = train_count or len(xtr)
    return xtr[:n, :512], ytr[:n], classes


def write_label_noise(out, modality, samples, y_clean, y_trained, noisy, classes, clean_count, description):
    """Writes <out>/label-noise/: the relabelled samples and the first `clean_count` clean ones with
    the labels trained on, and relabelled.json (positions in the data the adapter reads)."""
    folder = os.path.join(out, 'label-noise')
    os.makedirs(folder, exist_ok=True)
    noisy_set = set(int(i) for i in noisy)
    kept = [i for i in range(len(y_clean)) if i not in noisy_set]
    # Evenly spaced over the training order, not the first ones: a class-sorted training set (the
    # ModelNet10 subset) would otherwise give clean samples of one class only.
    clean = sorted({kept[int(j)] for j in np.linspace(0, len(kept) - 1, min(clean_count, len(kept)))})
    keep = sorted(noisy_set | set(clean))
    if modality == 'text':
        data = 'train.tsv'
        with open(os.path.join(folder, data), 'w', encoding='utf-8') as f:
            f.write('sentence\tlabel\n')
            for i in keep:
                f.write(f'{samples[i].strip()} \t{int(y_trained[i])}\n')
        order = keep  # the text adapter reads the rows in file order
    elif modality == 'pointcloud':
        data = 'clouds'
        cdir = os.path.join(folder, data)
        os.makedirs(cdir, exist_ok=True)
        for f in os.listdir(cdir):
            os.remove(os.path.join(cdir, f))
        names = {}
        for i in keep:
            names[i] = f'{classes[int(y_trained[i])]}_{i:04d}.xyz'
            with open(os.path.join(cdir, names[i]), 'w') as f:
                # %.9g round-trips float32: the adapter reads the very points trained on.
                f.write(''.join(f'{p[0]:.9g} {p[1]:.9g} {p[2]:.9g}\n' for p in samples[i]))
        # The adapter reads a folder in sorted file-name order (class first, then index).
        order = sorted(keep, key=lambda i: names[i])
    else:
        raise SystemExit(f'--modality: expected text or pointcloud, got {modality}')
    position = {i: p for p, i in enumerate(order)}
    rows = [{'position': position[i], 'trainingIndex': i, 'originalLabel': int(y_clean[i]),
             'trainedLabel': int(y_trained[i])} for i in sorted(noisy_set)]
    rows.sort(key=lambda r: r['position'])
    doc = {
        'schema': 'orderlens/relabelled-samples@1',
        'description': description + f', with {len(clean)} clean ones evenly spaced over the training order; data: label-noise/{data}',
        'generatedBy': 'tools/training/two_phase_relabelled.py',
        'classes': list(classes),
        'candidates': len(keep),
        'relabelled': [r['position'] for r in rows],
        'samples': rows,
        'cleanTrainingIndices': clean,
    }
    with open(os.path.join(folder, 'relabelled.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    return doc


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--modality', required=True, choices=['text', 'pointcloud'])
    ap.add_argument('--series', required=True, help='the series folder (epoch-0/meta.json gives --train, --noise, --seed)')
    ap.add_argument('--clean', type=int, default=None,
                    help='clean training samples shipped beside the relabelled ones (default: 30 sentences, 10 clouds)')
    a = ap.parse_args()
    with open(os.path.join(a.series, 'epoch-0', 'meta.json')) as f:
        training = json.load(f)['training']
    seed, noise, n_train = training['seed'], training['labelNoise'], training['trainSamples']
    if a.modality == 'text':
        samples, y, classes = text_training_set(n_train, seed)
    else:
        samples, y, classes = pointcloud_training_set(n_train)
    y_trained, noisy = noisy_labels(y, noise, len(classes), np.random.default_rng(seed))
    assert len(noisy) == training['noisyLabels'], (len(noisy), training['noisyLabels'])
    clean = a.clean if a.clean is not None else (30 if a.modality == 'text' else 10)
    doc = write_label_noise(a.series, a.modality, samples, y, y_trained, noisy, classes, clean,
                            f'training samples relabelled by tools/training/two_phase_series.py (--modality {a.modality} '
                            f'--train {n_train} --noise {noise} --seed {seed}), the draw repeated')
    print(f'{len(doc["relabelled"])} relabelled + {len(doc["cleanTrainingIndices"])} clean samples written to '
          f'{a.series}/label-noise')


if __name__ == '__main__':
    main()
