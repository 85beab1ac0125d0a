import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoalitionBatch,
  computeReward,
  estimators,
  ModelGateway,
  parseAdapterOptions,
  runAnalysis,
  type OpenedModel,
} from '@orderlens/core';
import { multiOrderDirect } from '@orderlens/core/math';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { expectInputErrorAsync, tempDir } from '@orderlens/core/testing';
import { BERT_DIR, copyTokenizer, DEV_TSV, DISTILBERT_DIR, openedModel } from '../test-utils/index.js';
import { textModelFile } from '../tokenizer/model-folder.js';
import { TEXT_OPTIONS } from './text-options.js';
import { openTextSession } from './text-session.js';

interface Meta {
  devAccuracy: number;
  examples: Array<{
    devIndex: number;
    sentence: string;
    label: number;
    input_ids: number[];
    logits: number[];
  }>;
}

const MODELS = [
  { name: 'sst2-bert', dir: BERT_DIR, inputs: ['input_ids', 'attention_mask', 'token_type_ids'] },
  { name: 'sst2-distilbert', dir: DISTILBERT_DIR, inputs: ['input_ids', 'attention_mask'] },
];

for (const m of MODELS) {
  describe(`the committed ${m.name} model`, () => {
    let runner: OnnxRunner;
    let model: OpenedModel;
    const meta = () => JSON.parse(readFileSync(join(m.dir, 'meta.json'), 'utf8')) as Meta;
    beforeAll(async () => {
      runner = await OnnxRunner.create(textModelFile(m.dir), { providers: ['cpu'] });
      model = openedModel(runner, m.dir);
    });
    afterAll(async () => runner?.dispose());

    it('declares the token-id inputs and reproduces the training logits of the meta sentences', async () => {
      expect([...runner.inputNames].sort()).toEqual([...m.inputs].sort());
      const session = await openTextSession({
        options: parseAdapterOptions(TEXT_OPTIONS, {
          sentences: DEV_TSV,
          words: '2',
          shortSentences: 'skip',
        }),
        model,
      });
      for (const ex of meta().examples) {
        const k = session.texts.findIndex((t) => t.record.id === `dev-${ex.devIndex}`);
        expect(k, `dev-${ex.devIndex}`).toBeGreaterThanOrEqual(0);
        expect(session.texts[k].sentence.ids).toEqual(ex.input_ids);
        const out = await runner.run(await session.inputs(k, k + 1));
        expect(out.data[0]).toBeCloseTo(ex.logits[0], 3);
        expect(out.data[1]).toBeCloseTo(ex.logits[1], 3);
      }
    });

    it('classifies SST-2 dev as trained (padding in batches does not change the logits)', async () => {
      const session = await openTextSession({
        options: parseAdapterOptions(TEXT_OPTIONS, {
          sentences: DEV_TSV,
          words: 'all',
          playerRule: 'every',
        }),
        model,
      });
      expect(session.candidates).toBe(872);
      let correct = 0;
      for (let s = 0; s < 872; s += 128) {
        const e = Math.min(872, s + 128);
        const out = await runner.run(await session.inputs(s, e));
        for (let r = 0; r < out.rows; r++)
          if ((out.data[2 * r + 1] > out.data[2 * r] ? 1 : 0) === session.candidate(s + r).label) correct++;
      }
      expect(correct / 872).toBeCloseTo(meta().devAccuracy, 2);
    });

    it('under both maskers the full coalition is the unmasked sentence; absent words change the logits', async () => {
      for (const masking of ['token', 'attention']) {
        const session = await openTextSession({
          options: parseAdapterOptions(TEXT_OPTIONS, {
            sentence: [readDevSentence(3)],
            words: '10',
            label: 1,
            masking,
          }),
          model,
        });
        const { masker } = await session.players(0, new ModelGateway());
        const whole = await runner.run(await session.inputs(0, 1));
        const out = await runner.run(masker.mask(CoalitionBatch.fromMasks(10, [1023, 0, 1022]), 0, 3));
        expect(out.data[0]).toBeCloseTo(whole.data[0], 4);
        expect(out.data[1]).toBeCloseTo(whole.data[1], 4);
        expect(Math.abs(out.data[3] - out.data[1])).toBeGreaterThan(1e-3);
        expect(Math.abs(out.data[5] - out.data[1])).toBeGreaterThan(1e-6);
      }
    });

    it('runs an exact analysis of two dev sentences end to end', async () => {
      const session = await openTextSession({
        options: parseAdapterOptions(TEXT_OPTIONS, {
          sentences: DEV_TSV,
          words: '6',
          shortSentences: 'skip',
        }),
        model,
      });
      const exact = estimators.get('exact');
      const result = await runAnalysis({
        modality: 'text',
        session,
        model,
        estimator: exact,
        estimatorOptions: exact.options.parse({}),
        selection: { rule: 'correct', samples: 2 },
        reward: 'log-odds',
        seed: 0,
        batchSize: 64,
      });
      expect(result.samples).toHaveLength(2);
      expect(result.n).toBe(6);
      expect(result.aggregate.strength.J.every(Number.isFinite)).toBe(true);
      expect(result.samples[0].modelCalls).toBe(64);
    });

    it('counts the label predictions of unlabelled sentences as label calls, also after a resume', async () => {
      let rows = 0;
      const counted: OpenedModel = {
        ...model,
        runner: {
          ...model.runner,
          backend: model.runner.backend,
          inputNames: model.runner.inputNames,
          run: async (inputs) => {
            const out = await model.runner.run(inputs);
            rows += out.rows;
            return out;
          },
          dispose: async () => {},
        },
      };
      const sentences = [
        'a gripping and beautifully acted film with great music',
        'the plot is dull and the actors seem bored throughout',
        'an uneven but often funny comedy about old friends',
      ];
      const exact = estimators.get('exact');
      const analyse = async (out: string, resume: boolean, signal?: AbortSignal) =>
        runAnalysis({
          modality: 'text',
          session: await openTextSession({
            options: parseAdapterOptions(TEXT_OPTIONS, { sentence: sentences, words: '4' }),
            model: counted,
          }),
          model: counted,
          estimator: exact,
          estimatorOptions: exact.options.parse({}),
          selection: { rule: 'correct', samples: 3 },
          reward: 'log-odds',
          seed: 0,
          batchSize: 64,
          run: { out, resume },
          signal,
          onEvent: (e) => (e.type === 'sample' && e.sample === 0 ? controller.abort() : undefined),
        });
      const tmp = tempDir('nlp-labels-');
      const controller = new AbortController();
      try {
        await expect(analyse(tmp.dir, false, controller.signal)).rejects.toThrow(/interrupted/);
        const first = rows;
        // 3 label predictions + 3 selection predictions + one sample's 2^4 coalitions.
        expect(first).toBe(3 + 3 + 16);
        rows = 0;
        const result = await analyse(tmp.dir, true);
        // The resumed process predicts the labels of the two samples it computes, nothing else.
        expect(rows).toBe(2 + 2 * 16);
        // Label predictions are counted as `labels`, the selection's own predictions as `selection`.
        expect(result.modelCalls.selection).toBe(3);
        expect(result.modelCalls.labels).toBe(3 + 2);
        expect(result.modelCalls.total).toBe(first + rows);
        expect(result.samples.every((x) => x.label === 0 || x.label === 1)).toBe(true);
      } finally {
        tmp.cleanup();
      }
    });
  });
}

describe("the model's position limit, read from its ONNX graph", () => {
  let runner: OnnxRunner;
  beforeAll(async () => {
    runner = await OnnxRunner.create(textModelFile(BERT_DIR), { providers: ['cpu'] });
  });
  afterAll(async () => runner?.dispose());
  const open = (dir: string, raw: Record<string, unknown>) =>
    openTextSession({ options: parseAdapterOptions(TEXT_OPTIONS, raw), model: openedModel(runner, dir) });
  const long = Array.from({ length: 130 }, (_, k) => `w${k}`).join(' ');

  it('refuses a config.json claiming more positions than the graph has', async () => {
    expect(await runner.capabilities.sequenceLimits.positionTable()).toEqual({
      name: 'pos.weight',
      rows: 128,
    });
    const t = tempDir('nlp-positions-');
    try {
      copyTokenizer(t.dir, (c) => (c.model_max_length = 512));
      const config = JSON.parse(readFileSync(join(BERT_DIR, 'config.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      writeFileSync(join(t.dir, 'config.json'), JSON.stringify({ ...config, max_position_embeddings: 512 }));
      await expectInputErrorAsync(
        () => open(t.dir, { sentence: ['good film'], words: '2' }),
        '--model (config.json)',
        /max_position_embeddings is 512, but the model's position-embedding table \(pos\.weight\) has 128 rows/,
      );
    } finally {
      t.cleanup();
    }
  });

  it('without a config, bounds --max-length and sentences by the graph, before any model call', async () => {
    const t = tempDir('nlp-positions-');
    try {
      copyTokenizer(t.dir, (c) => (c.model_max_length = 512));
      await expectInputErrorAsync(
        () => open(t.dir, { sentence: [long], words: '2' }),
        '--sentence',
        /has \d+ tokens .* more than the model's maximum length 128/,
      );
      await expectInputErrorAsync(
        () => open(t.dir, { sentence: ['good film'], words: '2', maxLength: 200 }),
        '--max-length',
        /200 is more than the 128 positions of the model's position-embedding table \(pos\.weight\)/,
      );
    } finally {
      t.cleanup();
    }
  });
});

describe('the exact engine on a 10-word sentence through the BERT fixture', () => {
  it('matches I^(m)(i,j) from the direct definition with v(S) computed one coalition at a time', async () => {
    const runner = await OnnxRunner.create(textModelFile(BERT_DIR), { providers: ['cpu'] });
    try {
      const model = openedModel(runner, BERT_DIR);
      // dev-3 has exactly 10 content words.
      const session = await openTextSession({
        options: parseAdapterOptions(TEXT_OPTIONS, {
          sentence: [readDevSentence(3)],
          words: '10',
          label: 1,
        }),
        model,
      });
      const exact = estimators.get('exact');
      const result = await runAnalysis({
        modality: 'text',
        session,
        model,
        estimator: exact,
        estimatorOptions: exact.options.parse({}),
        selection: { rule: 'all' },
        reward: 'log-odds',
        seed: 0,
        batchSize: 100,
      });
      const sample = result.samples[0];
      expect(sample.players.n).toBe(10);
      const { masker } = await session.players(0, new ModelGateway());
      const n = 10;
      const v = new Float64Array(1 << n);
      const one = new Float64Array(1);
      for (let mask = 0; mask < 1 << n; mask++) {
        const out = await runner.run(masker.mask(CoalitionBatch.fromMasks(n, [mask]), 0, 1));
        computeReward('log-odds', out, 1, one);
        v[mask] = one[0];
      }
      const mo = sample.multiOrder!;
      expect(mo.orders).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      let maxErr = 0;
      let maxAbs = 0;
      mo.pairs.forEach(([i, j], p) =>
        mo.orders.forEach((order, k) => {
          const direct = multiOrderDirect(v, n, i, j, order);
          maxErr = Math.max(maxErr, Math.abs(direct - mo.values[p][k]));
          maxAbs = Math.max(maxAbs, Math.abs(direct));
        }),
      );
      expect(mo.pairs).toHaveLength(45);
      expect(maxAbs).toBeGreaterThan(1e-3);
      // Batched and single-row runs of a float32 model agree to float rounding.
      expect(maxErr).toBeLessThan(1e-4 * Math.max(1, maxAbs));
      expect(sample.vFull).toBeCloseTo(v[(1 << n) - 1], 4);
      expect(sample.vEmpty).toBeCloseTo(v[0], 4);
    } finally {
      await runner.dispose();
    }
  });
});

function readDevSentence(row: number): string {
  return readFileSync(DEV_TSV, 'utf8').split('\n')[row + 1].split('\t')[0];
}
