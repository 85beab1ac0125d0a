#!/usr/bin/python3
"""Trains a small network with the two-phase paper's recipe and 1 % label noise and saves a
checkpoint series for `orderlens reproduce two-phase`, in the modalities the Fashion-MNIST script
(fmnist_vgg11_series.py) does not cover:

    --modality pointcloud   PointNet (narrow) on the ModelNet10 subset of packages/pointcloud/data
    --modality text         a tiny BERT on SST-2 sentences of packages/nlp/data/sst2 (trained with
                            --optimizer adam: under SGD it stayed at chance within the CPU budget)
    --modality cifar        VGG-11 with BatchNorm (narrow; cifar_nets.py) on packages/vision/data/cifar10

Run from the repository root with Debian's Python (torch 1.13):

    nice -n 5 /usr/bin/python3 tools/training/two_phase_series.py --modality pointcloud \
        --out fixtures/two-phase/modelnet10-pointnet

Recipe (two-phase paper, App. F.2): SGD lr 0.01, momentum 0.9, no weight decay, batch 128 (text:
32), no augmentation, 1 % of the training labels reset to another class (F.1), about a dozen log-spaced
saved epochs from 0 (the initialisation) to over-fitting. What is reduced for the CPU (width, data,
epochs) is written to every meta.json and to the series' README.md.

Layout, as fmnist_vgg11_series.py writes it (the layout `dynamics` and `reproduce two-phase` read):

    <out>/epoch-<e>/model.onnx + meta.json   one per saved epoch (text: the nlp adapter's folder)
    <out>/index.json                          orderlens/checkpoint-index@1 with the `series` block
    <out>/history.json                        train/test loss and accuracy after every epoch
    <out>/label-noise/                        which training samples were relabelled (relabelled.json)
                                              and those samples with clean ones, for `orderlens
                                              mislabeled` (text and point clouds; two_phase_relabelled.py)

The networks and data readers are imported from their builders (tools/fixtures/pointcloud/
modelnet10.py, tools/training/cifar_nets.py, tools/fixtures/vision/cifar_data.py); the epoch
spacing and the JSON writer from fmnist_vgg11_series.py.
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)
from fmnist_vgg11_series import log_spaced_epochs, write_json  # noqa: E402

RECIPE = {'optimizer': 'SGD', 'learningRate': 0.01, 'momentum': 0.9, 'weightDecay': 0, 'batchSize': 128,
          'augmentation': 'none'}


def noisy_labels(y, fraction, classes, rng):
    """round(fraction·N) labels, chosen with `rng`, get another class drawn uniformly (F.1)."""
    noisy = rng.choice(len(y), size=int(round(fraction * len(y))), replace=False)
    out = y.copy()
    out[noisy] = (y[noisy] + rng.integers(1, classes, size=len(noisy))) % classes
    return out, noisy


# ----------------------------------------------------------------------------- point clouds

N_POINTS = 512  # of the 1024 stored: CPU time (the ModelNet10 DGCNN fixture takes 512 too)

def pointcloud_task(a):
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures', 'pointcloud'))
    import modelnet10 as mn  # noqa: E402  (sets torch to one thread, as its fixtures were built)

    classes, xtr, ytr, xte, yte = mn.load_data()
    n_train = a.train or len(xtr)
    # The first N_POINTS of the 1024 stored points (stored in random order), normalised after that
    # selection, as the DGCNN fixture: the point-cloud adapter feeds a model that many points.
    xtr, ytr = mn.normalize(xtr[:n_train, :N_POINTS]), ytr[:n_train]
    xte = mn.normalize(xte[:, :N_POINTS])
    widths = [int(w) for w in a.widths.split(',')] if a.widths else [16, 32, 64]
    head = [int(w) for w in a.head.split(',')] if a.head else [64, 32]

    def build():
        model = mn.PointNet(classes=len(classes), widths=widths)
        # A narrower head than the fixture's 512-256 and no dropout: CPU time and file size, and the
        # series must over-fit within the epochs the CPU allows.
        layers, c = [], widths[-1]
        for w in head:
            layers += [nn.Linear(c, w, bias=False), nn.BatchNorm1d(w), nn.ReLU()]
            c = w
        model.head = nn.Sequential(*layers, nn.Linear(c, len(classes)))
        return model

    def meta(model):
        return {
            'model': f'PointNet (no T-Nets): shared MLP 3-{"-".join(map(str, widths))} (1x1 conv, BN, ReLU) on every '
                     f'point, global max-pool, FC {widths[-1]}-{"-".join(map(str, head))}-{len(classes)} '
                     '(BN, ReLU, no dropout)',
            'data': f'packages/pointcloud/data/modelnet10 (the first {n_train} train / all {len(xte)} test clouds, '
                    '1024 points, +z up)',
            'input': {'name': 'points', 'shape': ['batch', N_POINTS, 3], 'type': 'float32',
                      'layout': 'x,y,z per point'},
            'output': {'name': 'logits', 'shape': ['batch', len(classes)], 'type': 'float32'},
            'numPoints': N_POINTS, 'upAxis': 'z',
            'normalization': {'pointSelection': f'the first {N_POINTS} of the 1024 stored points (the stored order is '
                                                'random: Open3D Poisson-disk output), selected BEFORE normalising',
                              'steps': ['c = mean of the N points (per axis)', 'p <- p - c',
                                        'r = max_i ||p_i|| (Euclidean, after centring)', 'p <- p / r'],
                              'arithmetic': 'float64, result cast to float32',
                              'description': 'as fixtures/modelnet10-pointnet (tools/fixtures/pointcloud/modelnet10.py)'},
            'classes': classes,
        }

    def export(model, folder):
        path = os.path.join(folder, 'model.onnx')
        torch.onnx.export(model, torch.from_numpy(xte[:2]), path, input_names=['points'], output_names=['logits'],
                          opset_version=13, do_constant_folding=True,
                          dynamic_axes={'points': {0: 'batch'}, 'logits': {0: 'batch'}})

    return {
        'classes': classes, 'build': build, 'meta': meta, 'export': export,
        'train': (torch.from_numpy(xtr), ytr), 'test': (torch.from_numpy(xte), yte),
        'inputs': lambda X, idx: (X[idx],),
        'series': {'modality': 'pointcloud', 'options': {'clouds': 'modelnet10:test', 'subsample': True},
                   'description': 'PointNet (narrow) on the ModelNet10 subset, 1 % label noise, SGD lr 0.01 momentum 0.9'},
        'defaults': {'epochs': 150},
    }

# ----------------------------------------------------------------------------- text

SST2_DEV_COPY = 'dev.tsv'  # the 872 GLUE SST-2 dev sentences, copied into the series (its samples)


class CompactWordEmbedding(nn.Module):
    """A word embedding over the ids of the full bert-base-uncased vocabulary (what the tokenizer
    gives), stored for the ids the training sentences use only: `remap` sends every other id to
    [UNK]'s row. The graph takes the original ids, so the repository's tokenizer reads the model;
    the file holds rows × hidden floats instead of 30,522 × hidden."""

    def __init__(self, remap, rows, dim):
        super().__init__()
        self.register_buffer('remap', remap)
        self.table = nn.Embedding(rows, dim)

    def forward(self, ids):
        return self.table(self.remap[ids])


def text_task(a):
    sys.path.insert(0, os.path.join(ROOT, 'tools', 'fixtures', 'text'))
    import sst2_bert as sst  # noqa: E402  (the sst2-bert fixture's tokenizer, data reader and BERT)

    tokens = sst.load_vocab()
    tok = sst.BertWordPiece(tokens)
    (train_s, train_y), (dev_s, dev_y) = sst.load_sst2()
    n_train = a.train or 2000
    # SST-2's training set holds every phrase of its parse trees; sentence-length ones (>= 8 words)
    # are closer to the dev sentences the players are drawn from. A seeded choice among them.
    long_ids = [i for i, s in enumerate(train_s) if len(s.split()) >= 8]
    pick = np.random.default_rng(a.seed).permutation(long_ids)[:n_train]
    xtr = [tok.encode(train_s[i]) for i in pick]
    ytr = np.array([train_y[i] for i in pick], dtype=np.int64)
    xte = [tok.encode(s) for s in dev_s]
    yte = np.array(dev_y, dtype=np.int64)
    # Ids used at least three times in the training sentences get a row (file size); the rest read [UNK]'s.
    counts = np.bincount(np.concatenate([np.array(q) for q in xtr]), minlength=len(tokens))
    used = sorted(set(np.flatnonzero(counts >= 3).tolist()) | {sst.PAD, sst.UNK, sst.CLS, sst.SEP, sst.MASK})
    remap = torch.full((len(tokens),), used.index(sst.UNK), dtype=torch.long)
    remap[torch.tensor(used)] = torch.arange(len(used))
    hidden = int(a.widths) if a.widths else 64

    class SeriesBert(sst.TinyBert):
        CFG = dict(sst.TinyBert.CFG, hidden_size=hidden, num_attention_heads=2, intermediate_size=2 * hidden)

        def __init__(self):
            super().__init__()
            self.word = CompactWordEmbedding(remap, len(used), hidden)
            # torch's default initialisation throughout, not BERT's N(0, 0.02): behind the embedding
            # LayerNorm, 0.02-sized embeddings get ~30× their scale in gradient, and 0.02-sized linear
            # weights starve the lower layers; under plain SGD (lr 0.01) the network then sat at chance
            # for 8 epochs (tried).
            for m in self.modules():
                if isinstance(m, (nn.Linear, nn.Embedding)):
                    m.reset_parameters()

    def inputs(X, idx):
        ids, mask = sst.pad_batch([X[i] for i in idx.tolist()])
        return ids, mask, torch.zeros_like(ids)

    def meta(model):
        c = SeriesBert.CFG
        return {
            'model': f'BERT: {c["num_hidden_layers"]} layers, hidden {hidden}, {c["num_attention_heads"]} heads, '
                     f'intermediate {2 * hidden}, GELU, post-LN (tools/fixtures/text/sst2_bert.py TinyBert); the word '
                     f'embedding stores the {len(used)} ids used at least 3 times in the training sentences, every other id reads [UNK]\'s row',
            'data': {'train': f'{n_train} SST-2 training phrases of >= 8 words (packages/nlp/data/sst2/train.tsv.gz, '
                              f'seeded choice)', 'test': f'the 872 SST-2 dev sentences ({SST2_DEV_COPY} of the series)'},
            'onnx': {'file': 'onnx/model.onnx', 'opset': 14,
                     'inputs': ['input_ids', 'attention_mask', 'token_type_ids'], 'outputs': ['logits']},
            'tokenizer': 'bert-base-uncased WordPiece, as fixtures/sst2-bert',
            'vocabularyRows': len(used), 'maxLength': sst.MAX_LEN, 'labels': sst.LABELS,
            'specialTokens': {'pad': sst.PAD, 'unk': sst.UNK, 'cls': sst.CLS, 'sep': sst.SEP, 'mask': sst.MASK},
            'dropout': c['hidden_dropout_prob'],
        }

    def export(model, folder):
        sst.FAST_LINEAR = False  # plain MatMul/Gemm in the graph (see sst2_bert.py)
        try:
            ids, mask = sst.pad_batch(xte[:2])
            sst.export_onnx(model, os.path.join(folder, 'onnx', 'model.onnx'), (ids, mask, torch.zeros_like(ids)))
        finally:
            sst.FAST_LINEAR = True
        sst.write_tokenizer_files(folder, tokens, 'BertTokenizer')
        sst.write_json(os.path.join(folder, 'config.json'), SeriesBert.config())
        return 'onnx/model.onnx'

    def prepare(out):
        with open(os.path.join(sst.DATA, 'sst2', 'dev.tsv'), 'rb') as f, open(os.path.join(out, SST2_DEV_COPY), 'wb') as g:
            g.write(f.read())

    return {
        'classes': ['negative', 'positive'], 'build': SeriesBert, 'meta': meta, 'export': export, 'prepare': prepare,
        'train': (xtr, ytr), 'test': (xte, yte), 'inputs': inputs,
        'series': {'modality': 'text', 'options': {'sentences': SST2_DEV_COPY},
                   'description': 'tiny BERT (2 layers, hidden 64) on SST-2, 1 % label noise, SGD lr 0.01 momentum 0.9'},
        'defaults': {'epochs': 60, 'batch': 32},
    }

# ----------------------------------------------------------------------------- CIFAR-10

def cifar_task(a):
    import cifar_nets as cn  # noqa: E402  (the ICLR-2022 CIFAR networks; it puts cifar_data on the path)
    from cifar_data import CLASSES, normalisation, read_cifar  # noqa: E402

    tr_x, tr_y = read_cifar('train', a.train_files.split(',') if a.train_files else None)
    te_x, te_y = read_cifar('test')
    n_train = a.train or len(tr_x)
    tr_x, tr_y = tr_x[:n_train], tr_y[:n_train]
    mean, std = normalisation(tr_x)
    mu = np.array(mean, np.float32)[None, :, None, None]
    sd = np.array(std, np.float32)[None, :, None, None]

    def prep(x):
        return torch.from_numpy(((x.astype(np.float32) / 255.0 - mu) / sd).astype(np.float32))

    width = float(a.widths) if a.widths else 0.125
    arch = 'vgg11'
    cls, description, cut_index, cut_description = cn.ARCHS[arch]
    cut_name = f'relu{cut_index + 1}'

    def meta(model):
        return {
            'model': f'{description}; width x{width} (tools/training/cifar_nets.py)',
            'data': (f'{a.train_files}: the first {n_train} training images' if a.train_files else
                     f'packages/vision/data/cifar10: the first {n_train} training images') +
                    '; packages/vision/data/cifar10: the 1,000 test images',
            'input': {'name': 'x', 'shape': ['batch', 3, 32, 32], 'type': 'float32', 'layout': 'NCHW',
                      'channelOrder': 'RGB'},
            'output': {'name': 'logits', 'shape': ['batch', 10]},
            'classes': CLASSES,
            'normalization': {'formula': '(pixel / 255 - mean[c]) / std[c]', 'mean': mean, 'std': std,
                              'source': f'the {n_train} training images, population std'},
            'cutTensor': {'name': cut_name, 'description': cut_description + ' (F.3)'},
        }

    def export(model, folder):
        path = os.path.join(folder, 'model.onnx')
        # dynamo=False: the TorchScript exporter, which newer torch (2.9+) no longer picks by default;
        # it writes the same graph as Debian's torch 1.13 does, so the cut tensor is found by name.
        extra = {'dynamo': False} if 'dynamo' in torch.onnx.export.__code__.co_varnames else {}
        torch.onnx.export(model, torch.zeros(1, 3, 32, 32), path, input_names=['x'], output_names=['logits'],
                          opset_version=13, do_constant_folding=True,
                          dynamic_axes={'x': {0: 'batch'}, 'logits': {0: 'batch'}}, **extra)
        cn.rename_relu(path, cut_index, cut_name)

    return {
        'classes': CLASSES, 'build': lambda: cls(width), 'meta': meta, 'export': export,
        'train': (prep(tr_x), tr_y), 'test': (prep(te_x), te_y),
        'inputs': lambda X, idx: (X[idx],),
        'series': {'modality': 'vision', 'options': {'dataset': 'cifar10'},
                   'description': f'VGG-11 with BatchNorm (width x{width}) on the CIFAR-10 subset, 1 % label noise, '
                                  'SGD lr 0.01 momentum 0.9'},
        'defaults': {'epochs': 60},
    }


TASKS = {'pointcloud': pointcloud_task, 'text': text_task, 'cifar': cifar_task}


# ----------------------------------------------------------------------------- the shared loop

def on(device, tensors):
    """The batch's input tensors on the training device (the data stay on the CPU)."""
    return [t.to(device) for t in tensors]


def evaluate(model, task, X, y, batch=200, device='cpu'):
    model.eval()
    loss, correct = 0.0, 0
    yt = torch.from_numpy(y)
    with torch.no_grad():
        for s in range(0, len(y), batch):
            idx = torch.arange(s, min(s + batch, len(y)))
            out = model(*on(device, task['inputs'](X, idx))).cpu()
            loss += float(F.cross_entropy(out, yt[idx], reduction='sum'))
            correct += int((out.argmax(1) == yt[idx]).sum())
    return loss / len(y), correct / len(y)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--modality', required=True, choices=sorted(TASKS))
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int, default=None, help='default: the modality\'s (see TASKS)')
    ap.add_argument('--saves', type=int, default=13, help='about this many log-spaced epochs, 0 included')
    ap.add_argument('--train', type=int, default=None, help='training samples (default: the modality\'s)')
    ap.add_argument('--widths', default=None,
                    help="point clouds: comma-separated MLP widths; text: hidden size; cifar: width factor")
    ap.add_argument('--head', default=None, help='comma-separated classifier widths (point clouds)')
    ap.add_argument('--batch', type=int, default=None, help="default: the modality's (the recipe's 128, text 32)")
    ap.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd',
                    help='sgd: the recipe (lr 0.01, momentum 0.9); adam: lr 1e-3 (the text series: SGD left the '
                         'tiny BERT at chance for hundreds of steps, too many for the CPU budget)')
    ap.add_argument('--noise', type=float, default=0.01)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--device', default='cpu',
                    help='torch device for training, e.g. cuda (the paper-size series); models are exported on the CPU')
    ap.add_argument('--train-files', default=None,
                    help='cifar: comma-separated CIFAR-10 binary files to train on instead of the shipped 2,000 images '
                         '(e.g. the original data_batch_1.bin … data_batch_5.bin)')
    a = ap.parse_args()
    if a.saves < 2:
        sys.exit(f'--saves: expected an integer >= 2, got {a.saves}')
    if not 0 <= a.noise < 1:
        sys.exit(f'--noise: expected a fraction in [0, 1), got {a.noise}')

    torch.manual_seed(a.seed)
    task = TASKS[a.modality](a)
    torch.set_num_threads(a.threads)
    epochs = a.epochs or task['defaults']['epochs']
    if epochs < 1:
        sys.exit(f'--epochs: expected a positive integer, got {epochs}')
    rng = np.random.default_rng(a.seed)
    Xtr, ytr_clean = task['train']
    Xte, yte = task['test']
    n_classes = len(task['classes'])
    ytr, noisy = noisy_labels(ytr_clean, a.noise, n_classes, rng)
    if a.modality in ('text', 'pointcloud') and len(noisy) > 0:
        # Recorded before training, from the draw itself (two_phase_relabelled.py repeats it for
        # series trained before this was written).
        import two_phase_relabelled as relabel  # noqa: E402
        # The raw training samples (phrases; clouds before normalising, which the adapter repeats).
        samples = (relabel.text_training_set(len(ytr), a.seed)[0] if a.modality == 'text'
                   else relabel.pointcloud_training_set(len(ytr))[0])
        relabel.write_label_noise(a.out, a.modality, samples, ytr_clean, ytr, noisy, task['classes'],
                                  30 if a.modality == 'text' else 10,
                                  f'training samples relabelled by tools/training/two_phase_series.py (--modality '
                                  f'{a.modality} --train {len(ytr)} --noise {a.noise} --seed {a.seed})')
    torch.manual_seed(a.seed)
    model = task['build']().to(a.device)
    if a.optimizer == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=RECIPE['learningRate'], momentum=RECIPE['momentum'])
        recipe = RECIPE
    else:
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        recipe = {**RECIPE, 'optimizer': 'Adam', 'learningRate': 1e-3, 'momentum': None, 'betas': [0.9, 0.999]}
        task['series'] = {**task['series'], 'description': task['series']['description'].replace(
            'SGD lr 0.01 momentum 0.9', 'Adam lr 1e-3')}
    saves = log_spaced_epochs(epochs, a.saves)
    batch = a.batch or task['defaults'].get('batch', RECIPE['batchSize'])
    n_train = len(ytr)
    training = {**recipe, 'device': a.device, 'batchSize': batch, 'epochs': epochs, 'savedEpochs': saves, 'trainSamples': n_train, 'testSamples': len(yte),
                'labelNoise': a.noise, 'noisyLabels': int(len(noisy)), 'seed': a.seed, 'threads': a.threads,
                'lossesInEvalMode': True}
    base_meta = {**task['meta'](model), 'generatedBy': 'tools/training/two_phase_series.py', 'torch': torch.__version__,
                 'parameters': int(sum(p.numel() for p in model.parameters())), 'training': training}
    os.makedirs(a.out, exist_ok=True)
    if 'prepare' in task:
        task['prepare'](a.out)
    yt = torch.from_numpy(ytr)
    gen = torch.Generator().manual_seed(a.seed)
    entries, history = [], []
    t0 = time.time()
    for epoch in range(epochs + 1):
        if epoch > 0:
            model.train()
            order = torch.randperm(n_train, generator=gen)
            for s in range(0, n_train, batch):
                idx = order[s:s + batch]
                if len(idx) < 2:  # BatchNorm needs two samples
                    continue
                opt.zero_grad()
                F.cross_entropy(model(*on(a.device, task['inputs'](Xtr, idx))), yt[idx].to(a.device)).backward()
                opt.step()
        tr_loss, tr_acc = evaluate(model, task, Xtr, ytr, device=a.device)
        te_loss, te_acc = evaluate(model, task, Xte, yte, device=a.device)
        row = {'epoch': epoch, 'trainLoss': tr_loss, 'testLoss': te_loss, 'trainAccuracy': tr_acc,
               'testAccuracy': te_acc}
        history.append(row)
        print(f'epoch {epoch}: train {tr_loss:.4f} / {tr_acc:.3f}  test {te_loss:.4f} / {te_acc:.3f}  '
              f'({time.time() - t0:.0f}s)', file=sys.stderr, flush=True)
        if epoch in saves:
            folder = os.path.join(a.out, f'epoch-{epoch}')
            os.makedirs(folder, exist_ok=True)
            model.eval()
            # Exported from a CPU copy: the ONNX graph does not depend on where it was trained.
            exported = copy.deepcopy(model).cpu().eval() if a.device != 'cpu' else model
            model_file = task['export'](exported, folder) or 'model.onnx'
            with open(os.path.join(folder, 'meta.json'), 'w') as f:
                json.dump({**base_meta, 'epoch': epoch, **row}, f, indent=1)
                f.write('\n')
            entries.append({'model': f'epoch-{epoch}/{model_file}', **row})
            write_json(os.path.join(a.out, 'index.json'), {
                'schema': 'orderlens/checkpoint-index@1', 'epochs': [e['epoch'] for e in entries],
                'labelNoise': a.noise, 'series': task['series'], 'checkpoints': entries})
        write_json(os.path.join(a.out, 'history.json'), {'training': training, 'epochs': history,
                                                          'seconds': round(time.time() - t0)})


if __name__ == '__main__':
    main()
