import { float32Tensor, hasCapability, OrderlensInputError, type ModelRunner } from '@orderlens/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxRunner } from '../runner/onnx-runner.js';
import {
  censusMeta,
  censusModel,
  fmnistInputs,
  fmnistMeta,
  fmnistModel,
  multiInputModelBytes,
  VOCAB,
  maxAbsDiff,
  quiet,
} from '../test-utils/index.js';

describe('graph cut on the Fashion-MNIST CNN', () => {
  let runner: OnnxRunner;
  beforeAll(async () => {
    runner = await OnnxRunner.create(fmnistModel, { providers: ['cpu'], log: quiet });
  });
  afterAll(() => runner.dispose());

  it('is declared through core and lists the intermediate tensors only', async () => {
    const asRunner: ModelRunner = runner;
    expect(hasCapability(asRunner, 'graphCut')).toBe(true);
    const tensors = await runner.capabilities.graphCut.listTensors();
    expect(tensors).toContain('relu2');
    expect(tensors).not.toContain('x');
    expect(tensors).not.toContain('logits');
    expect(tensors).not.toContain('features.0.weight');
    // Conv, ReLU, pool ×3, Flatten, Gemm, ReLU: 12 nodes before the final Gemm.
    expect(tensors).toHaveLength(12);
  });

  it('prefix ∘ suffix reproduces the full model at relu2', async () => {
    const meta = fmnistMeta();
    const cut = await runner.capabilities.graphCut.cut(meta.cutTensor.name);
    try {
      const batch = 7;
      const x = float32Tensor(fmnistInputs(10, batch), [batch, 1, 28, 28]);
      const feature = await cut.prefix.run({ x });
      expect(feature.type).toBe('float32');
      expect(feature.dims).toEqual([batch, ...meta.cutTensor.shape.slice(1)]);
      expect(Array.from(feature.data as Float32Array).every((v) => v >= 0)).toBe(true); // a ReLU output
      const suffix = cut.suffix as OnnxRunner;
      expect(suffix.describe().inputs).toEqual([
        { name: 'relu2', type: 'float32', shape: ['batch', 32, 14, 14] },
      ]);
      expect(suffix.backend).toBe('onnx:cpu');
      const composed = await suffix.run({ relu2: feature });
      const full = await runner.run({ x });
      expect(composed.rows).toBe(batch);
      expect(composed.classes).toBe(10);
      expect(maxAbsDiff(composed.data, full.data)).toBeLessThan(1e-5);
      // Masking the feature map changes the logits: the suffix really reads it.
      const zeroed = await suffix.run({ relu2: { ...feature, data: new Float32Array(feature.data.length) } });
      expect(maxAbsDiff(zeroed.data, full.data)).toBeGreaterThan(1e-2);
      // A wrong feature shape is reported against the cut tensor.
      await expect(
        suffix.run({ relu2: float32Tensor(new Float32Array(32 * 7 * 7), [1, 32, 7, 7]) }),
      ).rejects.toThrow(/input "relu2" expects shape \[batch, 32, 14, 14\], got \[1, 32, 7, 7\]/);
    } finally {
      await cut.prefix.dispose();
      await cut.suffix.dispose();
    }
  });

  it('composes at every cuttable tensor', async () => {
    const x = float32Tensor(fmnistInputs(0, 3), [3, 1, 28, 28]);
    const full = await runner.run({ x });
    for (const name of await runner.capabilities.graphCut.listTensors()) {
      const cut = await runner.capabilities.graphCut.cut(name);
      const composed = await cut.suffix.run({ [name]: await cut.prefix.run({ x }) });
      expect(maxAbsDiff(composed.data, full.data), name).toBeLessThan(1e-5);
      await cut.prefix.dispose();
      await cut.suffix.dispose();
    }
  });

  it('rejects unknown tensors, inputs and outputs with the reason', async () => {
    const gc = runner.capabilities.graphCut;
    await expect(gc.cut('relu9')).rejects.toThrow(OrderlensInputError);
    await expect(gc.cut('relu9')).rejects.toThrow(
      /cannot be cut at "relu9" \(no node computes it from the inputs\); 12 tensors can be cut, e\.g\. .*relu2/,
    );
    await expect(gc.cut('logits')).rejects.toThrow(/\(it is a graph output\)/);
    await expect(gc.cut('x')).rejects.toThrow(/\(it is a graph input\)/);
    await expect(gc.cut('features.0.weight')).rejects.toThrow(/cannot be cut at "features\.0\.weight"/);
  });
});

describe('graph cut on other models', () => {
  it('composes on the census MLP at a hidden layer', async () => {
    const runner = await OnnxRunner.create(censusModel, { providers: ['cpu'], log: quiet });
    try {
      const tensors = await runner.capabilities.graphCut.listTensors();
      const hidden = tensors.filter((t) => /Relu/.test(t));
      expect(hidden).toHaveLength(4);
      const cut = await runner.capabilities.graphCut.cut(hidden[1]);
      const meta = censusMeta();
      const x = float32Tensor(new Float32Array(meta.examples.flatMap((e) => e.input)), [5, 12]);
      const h = await cut.prefix.run({ x });
      expect(h.dims).toEqual([5, 100]);
      const out = await cut.suffix.run({ [hidden[1]]: h });
      expect(
        maxAbsDiff(
          out.data,
          meta.examples.flatMap((e) => e.logits),
        ),
      ).toBeLessThan(1e-4);
      await cut.prefix.dispose();
      await cut.suffix.dispose();
    } finally {
      await runner.dispose();
    }
  });

  it('keeps inputs the suffix reads around the cut, and says so', async () => {
    const messages: string[] = [];
    const runner = await OnnxRunner.fromBytes(multiInputModelBytes(), {
      providers: ['cpu'],
      label: 'multi-input',
      log: (m) => messages.push(m),
    });
    try {
      const batch = 2;
      const seq = 3;
      const ids = {
        type: 'int64' as const,
        data: BigInt64Array.from({ length: batch * seq }, (_, k) => BigInt(k % VOCAB)),
        dims: [batch, seq],
      };
      const ones = {
        type: 'int64' as const,
        data: new BigInt64Array(batch * seq).fill(1n),
        dims: [batch, seq],
      };
      const zeros = { type: 'int64' as const, data: new BigInt64Array(batch * seq), dims: [batch, seq] };
      const inputs = {
        input_ids: ids,
        attention_mask: ones,
        token_type_ids: zeros,
        pixel_values: float32Tensor(Float32Array.from([0.5, -1, 2, 1, 0, -0.5]), [batch, 3]),
      };
      // `tok` = E[input_ids]: the suffix still needs token_type_ids, attention_mask and pixel_values.
      const cut = await runner.capabilities.graphCut.cut('tok');
      // No value info: the suffix input is declared from ONNX Runtime's inference on the prefix.
      expect((cut.suffix as OnnxRunner).describe().inputs[0]).toEqual({
        name: 'tok',
        type: 'float32',
        shape: ['batch', 'seq', 4],
      });
      expect(cut.suffixOtherInputs).toEqual(['attention_mask', 'token_type_ids', 'pixel_values']);
      expect(messages.some((m) => /"tok" is not a bottleneck of multi-input/.test(m))).toBe(true);
      const tok = await cut.prefix.run(inputs);
      expect(tok.dims).toEqual([batch, seq, 4]);
      expect((cut.prefix.describe().inputs ?? []).map((i) => i.name)).toEqual(['input_ids']);
      const composed = await cut.suffix.run({ ...inputs, tok });
      const full = await runner.run(inputs);
      expect(maxAbsDiff(composed.data, full.data)).toBeLessThan(1e-5);
      await cut.prefix.dispose();
      await cut.suffix.dispose();
    } finally {
      await runner.dispose();
    }
  });
});

describe('graph cut with declared value info', () => {
  it('takes the cut tensor declaration from the graph and keeps every original output', async () => {
    const runner = await OnnxRunner.fromBytes(multiInputModelBytes(3, true), {
      providers: ['cpu'],
      outputName: 'features',
      log: quiet,
    });
    try {
      const cut = await runner.capabilities.graphCut.cut('tok');
      const suffix = cut.suffix as OnnxRunner;
      expect(suffix.describe().inputs[0]).toEqual({ name: 'tok', type: 'float32', shape: ['batch', 3, 4] });
      expect(suffix.describe().outputs.map((o) => o.name)).toEqual(['logits', 'features']);
      expect(suffix.outputName).toBe('features');
      const batch = 2;
      const ids = {
        type: 'int64' as const,
        data: BigInt64Array.from([1n, 2n, 3n, 4n, 5n, 6n]),
        dims: [batch, 3],
      };
      const inputs = {
        input_ids: ids,
        attention_mask: {
          type: 'int64' as const,
          data: BigInt64Array.from([1n, 1n, 0n, 1n, 0n, 0n]),
          dims: [batch, 3],
        },
        token_type_ids: { type: 'int64' as const, data: new BigInt64Array(6), dims: [batch, 3] },
        pixel_values: float32Tensor(Float32Array.from([1, 2, 3, -1, -2, -3]), [batch, 3]),
      };
      const tok = await cut.prefix.run(inputs);
      const composed = await suffix.run({ ...inputs, tok });
      expect(composed.classes).toBe(4);
      expect(maxAbsDiff(composed.data, (await runner.run(inputs)).data)).toBeLessThan(1e-5);
      await cut.prefix.dispose();
      await cut.suffix.dispose();
    } finally {
      await runner.dispose();
    }
  });
});
