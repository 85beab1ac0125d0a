import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderlensInputError, float32Tensor } from '@orderlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxRunner } from './onnx-runner.js';
import {
  censusBatch1Model,
  censusMeta,
  censusModel,
  fmnistInputs,
  fmnistMeta,
  fmnistModel,
  fmnistSubset,
  multiInputModelBytes,
  multiInputReference,
  VOCAB,
  maxAbsDiff,
  quiet,
} from '../test-utils/index.js';

describe('OnnxRunner on the census MLP-5 fixture', () => {
  let runner: OnnxRunner;
  beforeAll(async () => {
    runner = await OnnxRunner.create(censusModel, { providers: ['cpu'], intraOpNumThreads: 1, log: quiet });
  });
  afterAll(() => runner.dispose());

  it('describes inputs, outputs, backend and batch handling', () => {
    const d = runner.describe();
    expect(runner.backend).toBe('onnx:cpu');
    expect(runner.inputNames).toEqual(['x']);
    expect(d.inputs).toEqual([{ name: 'x', type: 'float32', shape: ['batch', 12] }]);
    expect(d.outputs).toEqual([{ name: 'logits', type: 'float32', shape: ['batch', 2] }]);
    expect(d.outputName).toBe('logits');
    expect(d.batch).toEqual({ kind: 'dynamic' });
  });

  it('reproduces the logits torch recorded (1e-4)', async () => {
    const meta = censusMeta();
    const x = new Float32Array(meta.examples.flatMap((e) => e.input));
    const out = await runner.run({ x: float32Tensor(x, [meta.examples.length, 12]) });
    expect(out.rows).toBe(5);
    expect(out.classes).toBe(2);
    expect(
      maxAbsDiff(
        out.data,
        meta.examples.flatMap((e) => e.logits),
      ),
    ).toBeLessThan(1e-4);
  });

  it('names the input and the expected dims on a wrong shape, and the missing input', async () => {
    const bad = runner.run({ x: float32Tensor(new Float32Array(13 * 2), [2, 13]) });
    await expect(bad).rejects.toThrow(OrderlensInputError);
    await expect(bad).rejects.toThrow(/input "x" expects shape \[batch, 12\], got \[2, 13\]/);
    await expect(runner.run({ x: float32Tensor(new Float32Array(24), [24]) })).rejects.toThrow(
      /expects shape \[batch, 12\], got \[24\]/,
    );
    await expect(runner.run({})).rejects.toThrow(/missing input "x" \(expected \[batch, 12\] float32\)/);
    await expect(
      runner.run({ x: { type: 'float32', data: new Float32Array(5), dims: [1, 12] } }),
    ).rejects.toThrow(/needs 12 values, got 5/);
    await expect(
      runner.run({ x: { type: 'int32', data: new Int32Array(12), dims: [1, 12] } }),
    ).rejects.toThrow(/expects float32 values, got int32/);
    await expect(
      runner.run({ x: { type: 'float32', data: [1, 2] as unknown as Float32Array, dims: [1, 2] } }),
    ).rejects.toThrow(/inputs\.x: expected a tensor \{ type, data: typed array, dims: number\[\] \}/);
  });

  it('uses a single tensor whatever its name when the model has one input', async () => {
    const x = new Float32Array(censusMeta().examples[0].input);
    const a = await runner.run({ x: float32Tensor(x, [1, 12]) });
    const b = await runner.run({ features: float32Tensor(x, [1, 12]) });
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('rejects an unknown output name, listing the outputs', async () => {
    const err = OnnxRunner.create(censusModel, { providers: ['cpu'], outputName: 'probs', log: quiet });
    await expect(err).rejects.toThrow(OrderlensInputError);
    await expect(err).rejects.toThrow(/has no output "probs"; its outputs are: logits \[batch, 2\]/);
    await expect(
      runner.runOutput({ x: float32Tensor(new Float32Array(12), [1, 12]) }, 'nope'),
    ).rejects.toThrow(/no output "nope"/);
  });
});

describe('OnnxRunner on the Fashion-MNIST CNN fixture', () => {
  it('reproduces the recorded logits from the committed test subset and classifies it well', async () => {
    const meta = fmnistMeta();
    const runner = await OnnxRunner.create(fmnistModel, { providers: ['cpu'], log: quiet });
    try {
      const first = await runner.run({ x: float32Tensor(fmnistInputs(0, 5), [5, 1, 28, 28]) });
      expect(
        maxAbsDiff(
          first.data,
          meta.examples.flatMap((e) => e.logits),
        ),
      ).toBeLessThan(1e-4);
      const { labels } = fmnistSubset();
      const count = 200;
      const out = await runner.run({ x: float32Tensor(fmnistInputs(0, count), [count, 1, 28, 28]) });
      let correct = 0;
      for (let r = 0; r < count; r++) {
        const row = Array.from(out.data.subarray(r * 10, r * 10 + 10));
        if (row.indexOf(Math.max(...row)) === labels[r]) correct++;
      }
      expect(correct / count).toBeGreaterThan(0.8);
    } finally {
      await runner.dispose();
    }
  });
});

describe('fixed batch of 1', () => {
  it('detects the export, warns, and loops per item with the same results as the dynamic model', async () => {
    const messages: string[] = [];
    const fixed = await OnnxRunner.create(censusBatch1Model, {
      providers: ['cpu'],
      log: (m) => messages.push(m),
    });
    const dynamic = await OnnxRunner.create(censusModel, { providers: ['cpu'], log: quiet });
    try {
      expect(fixed.describe().batch).toEqual({ kind: 'fixed', size: 1, perItemLoop: true });
      expect(fixed.describe().inputs[0].shape).toEqual([1, 12]);
      expect(messages.some((m) => /fixed batch of 1; batches will run one item per call/.test(m))).toBe(true);
      const meta = censusMeta();
      const x = float32Tensor(new Float32Array(meta.examples.flatMap((e) => e.input)), [5, 12]);
      const a = await fixed.run({ x });
      const b = await dynamic.run({ x });
      expect(a.rows).toBe(5);
      expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-6);
      expect(
        maxAbsDiff(
          a.data,
          meta.examples.flatMap((e) => e.logits),
        ),
      ).toBeLessThan(1e-4);
    } finally {
      await fixed.dispose();
      await dynamic.dispose();
    }
  });
});

describe('execution providers', () => {
  it('tries providers one at a time and logs each fallback', async () => {
    const messages: string[] = [];
    const runner = await OnnxRunner.create(censusModel, {
      providers: ['cuda', 'cpu'],
      log: (m) => messages.push(m),
    });
    try {
      // This machine has no CUDA provider libraries, so CUDA must be skipped with a message.
      expect(runner.backend).toBe('onnx:cpu');
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/execution provider "cuda" is unavailable \(.+\); falling back to "cpu"/);
    } finally {
      await runner.dispose();
    }
  });

  it('falls back through the default order to the CPU', async () => {
    const messages: string[] = [];
    const runner = await OnnxRunner.create(censusModel, { log: (m) => messages.push(m) });
    try {
      expect(runner.backend).toBe('onnx:cpu');
      expect(messages.length).toBe(2);
      expect(messages[0]).toMatch(/"cuda" is unavailable.*falling back to "webgpu"/);
      expect(messages[1]).toMatch(/"webgpu" is unavailable.*falling back to "cpu"/);
    } finally {
      await runner.dispose();
    }
  });

  it('fails naming the model and every reason when no provider works, and rejects unknown names', async () => {
    await expect(OnnxRunner.create(censusModel, { providers: ['cuda'], log: quiet })).rejects.toThrow(
      /cannot load ONNX model .*model\.onnx: .+ \(execution provider tried: cuda\)/,
    );
    await expect(OnnxRunner.create(censusModel, { providers: ['tpu' as 'cpu'] })).rejects.toThrow(
      /providers: unknown execution provider "tpu"/,
    );
    await expect(OnnxRunner.create(censusModel, { providers: [] })).rejects.toThrow(
      /providers: expected a non-empty list/,
    );
    await expect(OnnxRunner.create(censusModel, { intraOpNumThreads: 0 })).rejects.toThrow(
      /intraOpNumThreads: expected a positive integer/,
    );
  });
});

describe('model file errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderlens-onnx-'));

  it('names a missing file', async () => {
    const path = join(dir, 'absent.onnx');
    const err = OnnxRunner.create(path, { providers: ['cpu'] });
    await expect(err).rejects.toThrow(OrderlensInputError);
    await expect(err).rejects.toThrow(`modelPath: ONNX model file not found: ${path}`);
    await expect(OnnxRunner.create(dir, { providers: ['cpu'] })).rejects.toThrow(/is not a file/);
  });

  it('names a corrupt or empty file', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, readFileSync(censusModel).subarray(0, 3000));
    const err = OnnxRunner.create(corrupt, { providers: ['cpu'] });
    await expect(err).rejects.toThrow(OrderlensInputError);
    await expect(err).rejects.toThrow(
      new RegExp(`cannot load ONNX model ${corrupt.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
    const garbage = join(dir, 'garbage.onnx');
    writeFileSync(garbage, 'this is not a model');
    await expect(OnnxRunner.create(garbage, { providers: ['cpu'] })).rejects.toThrow(
      /cannot load ONNX model .*garbage\.onnx/,
    );
    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    await expect(OnnxRunner.create(empty, { providers: ['cpu'] })).rejects.toThrow(
      /ONNX model file is empty/,
    );
  });
});

describe('several named inputs of different element types', () => {
  const batch = 3;
  const seq = 5;
  const ids = Array.from({ length: batch * seq }, (_, k) => (k * 3 + 1) % VOCAB);
  const mask = Array.from({ length: batch * seq }, (_, k) => (k % seq < 4 - (k % 2) ? 1 : 0));
  const types = Array.from({ length: batch * seq }, (_, k) => (k % seq >= 2 ? 1 : 0));
  const pixels = Array.from({ length: batch * 3 }, (_, k) => (k - 4) / 3);
  const ref = multiInputReference(ids, mask, types, pixels, batch, seq);
  const i64 = (v: number[]) => ({
    type: 'int64' as const,
    data: BigInt64Array.from(v, BigInt),
    dims: [batch, seq],
  });
  const i32 = (v: number[]) => ({ type: 'int32' as const, data: Int32Array.from(v), dims: [batch, seq] });
  const inputs = {
    input_ids: i64(ids),
    attention_mask: i64(mask),
    token_type_ids: i64(types),
    pixel_values: float32Tensor(Float32Array.from(pixels), [batch, 3]),
  };

  it('runs int64 and float32 inputs, picks outputs by name, and matches a direct computation', async () => {
    const runner = await OnnxRunner.fromBytes(multiInputModelBytes(), {
      providers: ['cpu'],
      label: 'multi-input',
      log: quiet,
    });
    const byFeatures = await OnnxRunner.fromBytes(multiInputModelBytes(), {
      providers: ['cpu'],
      outputName: 'features',
      log: quiet,
    });
    try {
      expect(runner.describe().inputs.map((i) => `${i.name}:${i.type}:${i.shape.join('x')}`)).toEqual([
        'input_ids:int64:batchxseq',
        'attention_mask:int64:batchxseq',
        'token_type_ids:int64:batchxseq',
        'pixel_values:float32:batchx3',
      ]);
      const logits = await runner.run(inputs);
      expect(logits.classes).toBe(2);
      expect(maxAbsDiff(logits.data, ref.logits.flat())).toBeLessThan(1e-5);
      const features = await byFeatures.run(inputs);
      expect(features.classes).toBe(4);
      expect(maxAbsDiff(features.data, ref.features.flat())).toBeLessThan(1e-5);
      const any = await runner.runOutput(inputs, 'features');
      expect(any.dims).toEqual([batch, 4]);
      // int32 ids are widened to the int64 the model takes; extra tensors are ignored.
      const widened = await runner.run({
        ...inputs,
        input_ids: i32(ids),
        attention_mask: i32(mask),
        extra: inputs.pixel_values,
      });
      expect(Array.from(widened.data)).toEqual(Array.from(logits.data));
    } finally {
      await runner.dispose();
      await byFeatures.dispose();
    }
  });

  it('names the missing input and shape mismatches between inputs', async () => {
    const runner = await OnnxRunner.fromBytes(multiInputModelBytes(4), {
      providers: ['cpu'],
      label: 'multi-input',
      log: quiet,
    });
    try {
      const { attention_mask: _dropped, ...rest } = inputs;
      void _dropped;
      const four = (t: { data: BigInt64Array }) => ({
        type: 'int64' as const,
        data: t.data.subarray(0, batch * 4),
        dims: [batch, 4],
      });
      const fixedRest = {
        ...rest,
        input_ids: four(inputs.input_ids),
        token_type_ids: four(inputs.token_type_ids),
      };
      await expect(runner.run(fixedRest)).rejects.toThrow(
        /inputs\.attention_mask: missing input "attention_mask" \(expected \[batch, 4\] int64\); model multi-input takes input_ids \[batch, 4\] int64, attention_mask/,
      );
      await expect(runner.run(inputs)).rejects.toThrow(
        /input "input_ids" expects shape \[batch, 4\], got \[3, 5\]/,
      );
    } finally {
      await runner.dispose();
    }
    const dyn = await OnnxRunner.fromBytes(multiInputModelBytes(), { providers: ['cpu'], log: quiet });
    try {
      const short = { ...inputs, pixel_values: float32Tensor(new Float32Array(6), [2, 3]) };
      await expect(dyn.run(short)).rejects.toThrow(
        /inputs\.pixel_values: batch dimension 2 differs from 3 of input "input_ids"/,
      );
    } finally {
      await dyn.dispose();
    }
  });
});
