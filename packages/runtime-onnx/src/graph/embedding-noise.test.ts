/**
 * Noise on the word embeddings of the committed text models: the edited graph adds its noise input
 * to exactly the vectors `input_ids` looks up. Checked in closed form: adding `e(j) − e(i)` at the
 * position of token `i` must give the logits of the sentence with `j` in its place, and zero noise
 * the model's own logits.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamedTensors, NoisyEmbeddingModel } from '@orderlens/core';
import { OnnxRunner } from '../runner/onnx-runner.js';
import { fixturePath, maxAbsDiff } from '../test-utils/fixtures.js';
import { EMBEDDING_NOISE_INPUT, findWordEmbedding } from './embedding-noise.js';
import { decodeModel } from './onnx-proto.js';

const bert = fixturePath('sst2-bert', 'onnx', 'model.onnx');
const series = fixturePath('two-phase', 'sst2-bert', 'epoch-30', 'onnx', 'model.onnx');
const ids: number[] = JSON.parse(readFileSync(fixturePath('sst2-bert', 'dev-token-ids.json'), 'utf8')).ids[0];

const tokens = (rows: number[][]): NamedTensors => {
  const L = rows[0].length;
  const data = BigInt64Array.from(rows.flat(), (v) => BigInt(v));
  const ones = new BigInt64Array(rows.length * L).fill(1n);
  return {
    input_ids: { type: 'int64', data, dims: [rows.length, L] },
    attention_mask: { type: 'int64', data: ones, dims: [rows.length, L] },
    token_type_ids: { type: 'int64', data: new BigInt64Array(rows.length * L), dims: [rows.length, L] },
  };
};

/** Row `id` of the float32 table `name` of the model file. */
function tableRow(file: string, name: string, id: number, width: number): Float32Array {
  const t = decodeModel(readFileSync(file), file).graph!.initializer.find(
    (i) => i.name === name,
  ) as unknown as {
    rawData: Uint8Array;
  };
  const bytes = t.rawData.subarray(id * width * 4, (id + 1) * width * 4);
  return new Float32Array(new Uint8Array(bytes).buffer); // a copy: aligned, its own buffer
}

describe('word-embedding noise of an ONNX token model', () => {
  let runner: OnnxRunner;
  let noisy: NoisyEmbeddingModel;
  beforeAll(async () => {
    runner = await OnnxRunner.create(bert);
    noisy = await runner.capabilities.embeddingNoise.noisyEmbeddings();
  });
  afterAll(async () => {
    await noisy.runner.dispose();
    await runner.dispose();
  });

  it('finds the word table gathered by input_ids, also behind an id remapping, not the position or type tables', () => {
    const g = decodeModel(readFileSync(bert), bert).graph!;
    expect(findWordEmbedding(g)).toMatchObject({ table: 'word.weight', rows: 30522, width: 128 });
    const s = decodeModel(readFileSync(series), series).graph!;
    // The series maps ids to 1,068 rows first (Gather(word.remap, input_ids)); the table comes after.
    expect(findWordEmbedding(s)).toMatchObject({ table: 'word.table.weight', rows: 1068, width: 64 });
    expect(noisy).toMatchObject({ table: 'word.weight', width: 128, noiseInput: EMBEDDING_NOISE_INPUT });
    expect(noisy.runner.inputNames).toContain(EMBEDDING_NOISE_INPUT);
    // BERT's N(0, 0.02) initialisation, most rows untouched by fine-tuning: δ's scale.
    expect(noisy.tableRms).toBeGreaterThan(0.015);
    expect(noisy.tableRms).toBeLessThan(0.03);
  });

  it('adds the noise to the looked-up vectors: e(j) − e(i) at token i reads as token j, zero noise as the model', async () => {
    const L = ids.length;
    const w = noisy.width;
    const pos = 5; // "charming"
    const other = 2919; // any id: the identity holds for every pair of tokens
    const delta = new Float32Array(2 * L * w); // row 0: no noise; row 1: the swap at `pos`
    const a = tableRow(bert, 'word.weight', ids[pos], w);
    const b = tableRow(bert, 'word.weight', other, w);
    for (let c = 0; c < w; c++) delta[L * w + pos * w + c] = b[c] - a[c];
    const out = await noisy.runner.run({
      ...tokens([ids, ids]),
      [EMBEDDING_NOISE_INPUT]: { type: 'float32', data: delta, dims: [2, L, w] },
    });
    const swapped = [...ids];
    swapped[pos] = other;
    const ref = await runner.run(tokens([ids, swapped]));
    expect(maxAbsDiff(out.data, ref.data)).toBeLessThan(1e-5);
    // And the swap changes the logits, so the comparison above could fail.
    expect(Math.abs(ref.data[0] - ref.data[2])).toBeGreaterThan(1e-3);
  });

  it('refuses a model without a word table gathered by input_ids, naming --model', async () => {
    const census = await OnnxRunner.create(fixturePath('census-mlp5', 'model.onnx'));
    try {
      await expect(census.capabilities.embeddingNoise.noisyEmbeddings()).rejects.toThrow(
        /--model: .*has no word-embedding table gathered by input_ids/,
      );
    } finally {
      await census.dispose();
    }
  });
});
