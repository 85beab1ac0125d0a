import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import {
  classifyDataset,
  cutModelAt,
  datasetImage,
  loadCifar10Subset,
  toModelBatch,
} from '@orderlens/vision';

// The ICLR-2022 CIFAR networks built by tools/training/cifar_nets.py: ONNX Runtime must give the
// logits the training script recorded, the accuracy it reported, and cut at the named tensor.
const NETS = ['cifar-alexnet', 'cifar-vgg11', 'cifar-resnet20'];
const fixture = (id: string, rel: string) =>
  fileURLToPath(new URL(`../../../../fixtures/${id}/${rel}`, import.meta.url));

interface Meta {
  normalization: { mean: number[]; std: number[] };
  testAccuracy: number;
  cutTensor: { name: string; shape: Array<string | number> };
  examples: Array<{ testIndex: number; label: number; logits: number[] }>;
}

const ds = loadCifar10Subset('test');

describe.each(NETS)('%s (ONNX Runtime)', (id) => {
  it('reproduces the exported logits and accuracy, and cuts at its cut tensor', async () => {
    const meta = JSON.parse(readFileSync(fixture(id, 'meta.json'), 'utf8')) as Meta;
    const pre = { mean: meta.normalization.mean, std: meta.normalization.std, layout: 'NCHW' as const };
    const runner = await OnnxRunner.create(fixture(id, 'model.onnx'), {
      providers: ['cpu'],
      intraOpNumThreads: 1,
      log: () => {},
    });
    try {
      const out = await runner.run({
        x: toModelBatch(
          meta.examples.map((e) => datasetImage(ds, e.testIndex)),
          pre,
        ),
      });
      meta.examples.forEach((e, r) => {
        expect(ds.labels[e.testIndex]).toBe(e.label);
        e.logits.forEach((z, c) => expect(out.data[r * 10 + c]).toBeCloseTo(z, 3));
      });
      const indices = Array.from({ length: 200 }, (_, i) => i);
      const predicted = await classifyDataset({ runner, dataset: ds, preprocess: pre, indices });
      const acc = predicted.reduce((a, p, i) => a + (p === ds.labels[i] ? 1 : 0), 0) / indices.length;
      expect(Math.abs(acc - meta.testAccuracy)).toBeLessThan(0.12);
      const cut = await cutModelAt(runner, meta.cutTensor.name);
      expect(cut.tensorName).toBe(meta.cutTensor.name);
    } finally {
      await runner.dispose();
    }
  }, 60_000);
});
