/**
 * The one analysis pipeline (issue 8): `orderlens analyze <modality>` and `runAnalysis` with the
 * modality adapters.
 *
 * - Regression: for fixed seeds the analyses give the numbers the per-modality commands gave
 *   before the change (recorded with the old CLI).
 * - Model calls: a runner wrapped by the test sees exactly the calls the result counts, by
 *   purpose (selection, estimation, feature-map prefix), per sample and in total.
 * - Resume: the resumed process makes exactly the calls of the unfinished samples (none for the
 *   selection) and ends with the result of an uninterrupted run; a replaced model is refused.
 * - Devices, `plot` over results of two modalities, and schema validation of every result.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CALL_PURPOSES,
  InterruptedError,
  adapters,
  estimators,
  openModel,
  pairStrategy,
  parseAdapterOptions,
  parseResult,
  parseWithSchema,
  runAnalysis,
  type AnalysisEvent,
  type InteractionResult,
  type ModalityAdapter,
  type ModelRunner,
  type OpenedModel,
  type SampleResult,
} from '@orderlens/core';
import {
  expectWithinTolerance,
  float32RewardError,
  normalizedCurveTolerance,
  rawStrengthTolerance,
  type Float32NetworkShape,
} from '@orderlens/core/testing';
import { availableOnnxProviders, loadableOnnxProviders } from '@orderlens/runtime-onnx'; // registers the onnx factory
import '@orderlens/nlp'; // registers the text adapter
import { tabularAdapter } from '@orderlens/tabular';
import {
  byteMeanToModel,
  datasetChannelMean,
  loadCifar10Subset,
  resolvePreprocessing,
  visionAdapter,
} from '@orderlens/vision';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';
import { PNG_SIGNATURE } from '@orderlens/core';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const census = repo('fixtures/census-mlp5/model.onnx');
const censusTfjs = repo('fixtures/census-mlp5/tfjs/model.json');
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const vit = repo('fixtures/cifar-vit/model.onnx');
const fmnist = repo('packages/vision/models/fmnist-cnn/model.onnx');
const distilbert = repo('fixtures/sst2-distilbert');
const tmp = tempDir('orderlens-pipeline-');
afterAll(() => tmp.cleanup());

const resultOf = (dir: string) =>
  parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')), join(dir, 'result.json'));
/** A sample without its timing (which no rerun reproduces). */
const numbersOf = (s: SampleResult) => {
  const { wallTimeMs: _t, ...rest } = s;
  return rest;
};
const hasCuda = availableOnnxProviders().includes('cuda');

/**
 * Kernel settings the regression numbers must not depend on. `ORDERLENS_TEST_THREADS` and
 * `ORDERLENS_TEST_BATCH_SIZE` rerun this file at other ONNX Runtime thread counts and batch sizes
 * (whose kernels round differently): see docs/testing.md.
 */
const kernel = {
  threads: process.env.ORDERLENS_TEST_THREADS ? Number(process.env.ORDERLENS_TEST_THREADS) : undefined,
  batchSize: process.env.ORDERLENS_TEST_BATCH_SIZE ? Number(process.env.ORDERLENS_TEST_BATCH_SIZE) : 256,
};
const kernelFlags = [
  '--batch-size',
  String(kernel.batchSize),
  ...(kernel.threads !== undefined ? ['--threads', String(kernel.threads)] : []),
];

/**
 * The accumulating layers (convolutions, linear layers) of the fixture networks, from their
 * meta.json: they size the float32 tolerance of their numbers.
 */
const shapes = {
  cifarCnn: { layers: 7 }, // 5 convolutions, Linear 1024-128, Linear 128-10
  fmnistCnn: { layers: 5 }, // 3 convolutions, Linear 576-64, Linear 64-10
  censusMlp: { layers: 5 }, // MLP-5
} satisfies Record<string, Float32NetworkShape>;

/**
 * A mean-normalised J(m) equals its pinned values within the float32 rounding of the network's
 * rewards (core/testing float32-tolerance: largest |logit| seen × network shape, through Δv and
 * the normalisation).
 */
function expectPinnedCurve(
  J: readonly number[],
  pinned: readonly number[],
  raw: readonly number[],
  outputScale: number,
  shape: Float32NetworkShape,
): void {
  expectWithinTolerance(
    J,
    pinned,
    normalizedCurveTolerance(raw, float32RewardError(outputScale, shape)),
    'J(m)',
  );
}

// ---------------------------------------------------------------------------------------------
// Regression against the numbers of the old per-modality commands
// ---------------------------------------------------------------------------------------------

/**
 * The old command's `mean` baseline for the CIFAR CNN: the channel mean of the 1,000 shipped
 * CIFAR-10 test images, in model space. Given explicitly (`--baseline value:…`), so the numbers
 * compare the pipeline, not the choice of mean (issue 11 moves `mean` to the training mean).
 */
function oldCifarMeanBaseline(): string {
  const meta = JSON.parse(readFileSync(repo('fixtures/cifar-cnn/meta.json'), 'utf8'));
  const pre = resolvePreprocessing({ mean: meta.normalization.mean, std: meta.normalization.std }, 3);
  return `value:${byteMeanToModel(datasetChannelMean(loadCifar10Subset('test')), pre).join(',')}`;
}

const recorded = {
  tabular: {
    args: ['analyze', 'tabular', '--model', census, '--samples', '6'],
    indices: [0, 1, 2, 3, 4, 13],
    // Recorded to 6 decimals.
    J: [
      1.869707, 1.406747, 1.12703, 0.964493, 0.862546, 0.797789, 0.759373, 0.745145, 0.750088, 0.800915,
      0.916166,
    ],
    estimation: 24576,
  },
  vision: {
    args: [
      'analyze',
      'vision',
      '--model',
      cnn,
      '--dataset',
      'cifar10',
      '--protocol',
      'lite',
      '--grid',
      '4',
      '--samples',
      '2',
      '--pairs',
      '6',
      '--contexts',
      '5',
      '--repeats',
      '2',
      '--heatmaps',
      '0',
      '--baseline',
      oldCifarMeanBaseline(),
    ],
    indices: [20, 40],
    J: [
      1.6618532128285204, 1.6618532128285204, 1.2608963155473925, 0.7234590710370371, 0.7244720551648173,
      0.9011747448265962, 0.7327836804014894, 0.9890665292167048, 1.0123174554810745, 0.8932287552305526,
      0.8735091285442448, 0.775366735315077, 0.7900191035779739,
    ],
    estimation: 4033,
    instability: 0.1464056004953009,
  },
  featureMap: {
    args: [
      'analyze',
      'vision',
      '--model',
      fmnist,
      '--dataset',
      'fashion-mnist',
      '--feature-map',
      'relu2',
      '--protocol',
      'lite', // the default when these numbers were recorded
      '--grid',
      '7',
      '--samples',
      '2',
      '--pairs',
      '5',
      '--contexts',
      '4',
      '--repeats',
      '1',
      '--heatmaps',
      '0',
    ],
    indices: [19, 27],
    J: [
      1.2334678350789425, 1.5280439158469619, 1.5167957542642787, 0.7518073755536054, 0.9095864662019781,
      0.9130972406272376, 1.0783218472997165, 0.9698445666590183, 0.9834982670974572, 0.9519640078130126,
      0.6464526906181157, 0.8341529043919308, 0.6829671285477482,
    ],
    estimation: 1821,
    prefix: 2,
  },
};

describe('analyze: the numbers of the per-modality commands, for fixed seeds', () => {
  const out = {
    tabular: join(tmp.dir, 'reg-tabular'),
    vision: join(tmp.dir, 'reg-vision'),
    featureMap: join(tmp.dir, 'reg-fm'),
  };
  // The logit scale of each network on its data, masked inputs included, measured through a
  // counting runner on a small run of the same samples: it sizes the float32 tolerances below.
  const scale = { cifarCnn: 0, fmnistCnn: 0, censusMlp: 0 };
  beforeAll(async () => {
    const probe = async (
      adapter: ModalityAdapter,
      spec: string,
      flags: Record<string, unknown>,
      over: Overrides,
    ) => {
      const counter = newCounter();
      await analyse(adapter, spec, over, flags, { counter });
      return counter.maxAbsOutput;
    };
    const small = {
      protocol: 'lite',
      samples: 2,
      pairs: { count: 2 },
      estimatorOptions: { contexts: 2, repeats: 1 },
    };
    scale.cifarCnn = await probe(visionAdapter, cnn, { dataset: 'cifar10', grid: '4', heatmaps: 0 }, small);
    scale.fmnistCnn = await probe(
      visionAdapter,
      fmnist,
      { dataset: 'fashion-mnist', featureMap: 'relu2', grid: '7', heatmaps: 0 },
      small,
    );
    scale.censusMlp = await probe(tabularAdapter, census, { dataset: 'census' }, { samples: 1 });
  });

  /** The census indices and J(m), pinned to 6 decimals and computed through a float32 MLP. */
  const expectPinnedTabular = (res: InteractionResult) => {
    expect(res.samples.map((s) => s.index)).toEqual(recorded.tabular.indices);
    const float32 = normalizedCurveTolerance(
      res.aggregate.raw,
      float32RewardError(scale.censusMlp, shapes.censusMlp),
    );
    expectWithinTolerance(
      res.aggregate.strength.J,
      recorded.tabular.J,
      float32.map((t) => t + 5e-7),
      'J(m)',
    );
  };

  it('tabular (census MLP-5, exact): indices, J(m) and 6·4096 estimation calls', async () => {
    const r = await runCli(['--quiet', ...recorded.tabular.args, ...kernelFlags, '--out', out.tabular]);
    expect(r.code).toBe(0);
    const res = resultOf(out.tabular);
    expect(res.modality).toBe('tabular');
    expect(res.estimator.name).toBe('exact');
    expectPinnedTabular(res);
    expect(res.aggregate.strength.normalization).toBe('mean');
    expect(res.modelCalls.estimation).toBe(recorded.tabular.estimation);
    expect(res.modelCalls['feature-map-prefix']).toBe(0);
    expect(res.modelCalls.total).toBe(res.modelCalls.selection + res.modelCalls.estimation);
  });

  it('tabular through the tfjs twin (WebAssembly backend): the same indices and J(m)', async () => {
    // Another runtime's float32 kernels on the same weights: the pinned numbers within float32 rounding.
    const dir = join(tmp.dir, 'reg-tabular-tfjs');
    const args = recorded.tabular.args.map((a) => (a === census ? censusTfjs : a));
    const r = await runCli(['--quiet', ...args, '--batch-size', String(kernel.batchSize), '--out', dir]);
    expect(r.code).toBe(0);
    const res = resultOf(dir);
    expect(res.provenance.model!.backend).toMatch(/^tfjs/);
    expectPinnedTabular(res);
  });

  it('vision (CIFAR CNN, lite protocol, 4×4 patches): indices, J(m), calls and instability', async () => {
    const r = await runCli(['--quiet', ...recorded.vision.args, ...kernelFlags, '--out', out.vision]);
    expect(r.code).toBe(0);
    const res = resultOf(out.vision);
    expect(res.estimator.name).toBe('reference');
    expect(res.samples.map((s) => s.index)).toEqual(recorded.vision.indices);
    const dv = float32RewardError(scale.cifarCnn, shapes.cifarCnn);
    expectPinnedCurve(
      res.aggregate.strength.J,
      recorded.vision.J,
      res.aggregate.raw,
      scale.cifarCnn,
      shapes.cifarCnn,
    );
    expect(res.modelCalls.estimation).toBe(recorded.vision.estimation);
    // Instability: mean over (sample, order) of |J_u − J_v| / mean_w J_w over repeats, so each
    // term moves by at most (2 + its value) · δraw / its smallest denominator.
    const smallest = Math.min(...res.samples.flatMap((s) => s.strengthByRepeat!.flat()));
    const dRaw = rawStrengthTolerance(dv);
    expectWithinTolerance(
      [res.aggregate.instability!],
      [recorded.vision.instability],
      ((2 + recorded.vision.instability) * dRaw) / smallest,
      'instability',
    );
  });

  it('vision feature map (Fashion-MNIST CNN at relu2, 7×7 cells): indices, J(m), calls and prefix runs', async () => {
    const r = await runCli(['--quiet', ...recorded.featureMap.args, ...kernelFlags, '--out', out.featureMap]);
    expect(r.code).toBe(0);
    const res = resultOf(out.featureMap);
    expect(res.samples.map((s) => s.index)).toEqual(recorded.featureMap.indices);
    for (const s of res.samples)
      expect(s.players).toMatchObject({ kind: 'feature-map', tensor: 'relu2', rows: 7, cols: 7, n: 49 });
    expectPinnedCurve(
      res.aggregate.strength.J,
      recorded.featureMap.J,
      res.aggregate.raw,
      scale.fmnistCnn,
      shapes.fmnistCnn,
    );
    expect(res.modelCalls.estimation).toBe(recorded.featureMap.estimation);
    expect(res.modelCalls['feature-map-prefix']).toBe(recorded.featureMap.prefix);
    expect(res.aggregate.instability).toBeNull(); // one repeat
  });

  it('--device auto records the device used; every result validates', () => {
    for (const dir of Object.values(out)) {
      const res = resultOf(dir);
      if (!hasCuda) expect(res.provenance.device).toBe('cpu');
      expect(res.provenance.model!.backend).toBe(`onnx:${res.provenance.device}`);
      expect(res.provenance.options).toMatchObject({ device: 'auto' });
      expect(res.provenance.seed).toBe(0);
    }
  });

  it.skipIf(hasCuda)(
    '--device cuda without CUDA fails with exit 2, naming the providers that are available',
    async () => {
      const dir = join(tmp.dir, 'cuda');
      const r = await runCli(['--quiet', ...recorded.tabular.args, '--device', 'cuda', '--out', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: --device: /);
      // The providers named are those that loaded a test model here, not merely those listed.
      const loads = [...(await loadableOnnxProviders())]
        .filter(([, why]) => why === undefined)
        .map(([p]) => p);
      expect(r.stderr).toContain(
        `cuda is not available to onnx on this machine; available: ${loads.join(', ')}`,
      );
      expect(existsSync(join(dir, 'result.json'))).toBe(false);
      const bad = await runCli(['--quiet', ...recorded.tabular.args, '--device', 'tpu', '--out', dir]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(
        /^error: --device: unknown device "tpu"; expected one of auto, cpu, cuda, webgpu, wasm/,
      );
    },
  );

  it('plot draws a tabular and a vision result together; an old-schema file gets a clear message', async () => {
    const base = join(tmp.dir, 'plots', 'both');
    const r = await runCli([
      'plot',
      '--result',
      join(out.tabular, 'result.json'),
      '--result',
      join(out.vision, 'result.json'),
      '--label',
      'census MLP',
      '--label',
      'CIFAR CNN',
      '--out',
      base,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^plot: 2 curve\(s\); wrote .*both\.svg, .*both\.png\n$/);
    const svg = readFileSync(`${base}.svg`, 'utf8');
    for (const label of ['census MLP', 'CIFAR CNN']) expect(svg).toContain(label);
    expect(readFileSync(`${base}.png`).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // Both curves with their own theory curves (n = 12 and n = 16).
    const t = await runCli([
      'plot',
      '--result',
      join(out.tabular, 'result.json'),
      '--result',
      join(out.vision, 'result.json'),
      '--theory',
      '--out',
      `${base}-theory`,
    ]);
    expect(t.code).toBe(0);
    expect(readFileSync(`${base}-theory.svg`, 'utf8')).toContain('theory F̂ (n = 12)');

    const old = tmp.file('old.json', '{"schema":"orderlens/interaction-result@1","n":3}');
    const o = await runCli([
      'plot',
      '--result',
      join(out.tabular, 'result.json'),
      '--result',
      old,
      '--out',
      join(tmp.dir, 'plots', 'old'),
    ]);
    expect(o.code).toBe(2);
    expect(o.stderr).toMatch(
      /^error: .*old\.json: is a "orderlens\/interaction-result@1" file; this version reads orderlens\/interaction-result@3 and orderlens\/interaction-result@2 \(re-run the analysis to get one\)\n$/,
    );
    expect(existsSync(join(tmp.dir, 'plots', 'old.svg'))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Model calls counted by a wrapped runner, at the library level
// ---------------------------------------------------------------------------------------------

/** Rows the model really ran, seen from outside the pipeline. */
interface Counter {
  /** Rows through the opened runner (selection, and coalitions of image patches / attributes). */
  rows: number;
  /** Rows through graph-cut prefixes (one per image) and suffixes (masked feature maps). */
  prefixRows: number;
  suffixRows: number;
  /** Largest |output| of the runner and suffixes (the logit scale that sizes float32 tolerances). */
  maxAbsOutput: number;
}
const newCounter = (): Counter => ({ rows: 0, prefixRows: 0, suffixRows: 0, maxAbsOutput: 0 });
const seen = (c: Counter) => c.rows + c.prefixRows + c.suffixRows;

function countingRunner(
  r: ModelRunner,
  add: (rows: number, out: { data: ArrayLike<number> }) => void,
  capabilities = r.capabilities,
): ModelRunner {
  return {
    get backend() {
      return r.backend;
    },
    inputNames: r.inputNames,
    capabilities,
    async run(inputs) {
      const out = await r.run(inputs);
      add(out.rows, out);
      return out;
    },
    dispose: () => r.dispose(),
  };
}

/** The opened model with its runner, and every graph cut of it, counting rows into `c`. */
function counting(opened: OpenedModel, c: Counter): OpenedModel {
  const inner = opened.runner;
  const g = inner.capabilities?.graphCut;
  const capabilities = g
    ? {
        ...inner.capabilities,
        graphCut: {
          listTensors: () => g.listTensors(),
          async cut(name: string) {
            const cut = await g.cut(name);
            return {
              tensorName: cut.tensorName,
              prefix: {
                async run(inputs: Parameters<typeof cut.prefix.run>[0]) {
                  const t = await cut.prefix.run(inputs);
                  c.prefixRows += t.dims[0];
                  return t;
                },
                dispose: () => cut.prefix.dispose(),
              },
              suffix: countingRunner(cut.suffix, (n, out) => {
                c.suffixRows += n;
                noteScale(c, out.data);
              }),
            };
          },
        },
      }
    : inner.capabilities;
  return {
    ...opened,
    runner: countingRunner(
      inner,
      (n, out) => {
        c.rows += n;
        noteScale(c, out.data);
      },
      capabilities,
    ),
  };
}

function noteScale(c: Counter, data: ArrayLike<number>): void {
  for (let k = 0; k < data.length; k++) c.maxAbsOutput = Math.max(c.maxAbsOutput, Math.abs(data[k]));
}

/** Settings on top of the adapter's default protocol, as the shared flags give them. */
interface Overrides {
  /** The adapter's default protocol unless given. */
  readonly protocol?: string;
  readonly estimatorOptions?: Record<string, unknown>;
  readonly pairs?: { readonly count?: number; readonly radius?: number };
  readonly samples?: number;
}

/** What `orderlens analyze <adapter>` runs (default protocol + overrides), through the library, with the model counted. */
async function analyse(
  adapter: ModalityAdapter,
  spec: string,
  over: Overrides,
  adapterFlags: Record<string, unknown>,
  more: {
    counter?: Counter;
    out?: string;
    resume?: boolean;
    signal?: AbortSignal;
    onEvent?: (e: AnalysisEvent, c: Counter) => void;
    finish?: (r: InteractionResult) => InteractionResult;
  } = {},
): Promise<{ result: InteractionResult; counter: Counter; selectionRows: number; perSample: number[] }> {
  const adapterOptions = parseAdapterOptions(adapter.options, adapterFlags);
  const protocol = adapter.protocols.find((p) => p.name === (over.protocol ?? adapter.defaultProtocol))!;
  const estimator = estimators.get(protocol.estimator);
  const estimatorOptions = parseWithSchema(
    estimator.options,
    { ...protocol.estimatorOptions, ...(over.estimatorOptions ?? {}) },
    'estimator options',
  ) as Record<string, unknown>;
  const pairs = protocol.pairs ? { ...protocol.pairs, ...(over.pairs ?? {}) } : undefined;
  const selection = {
    ...adapter.defaultSelection,
    ...(protocol.selection ?? {}),
    ...(over.samples !== undefined ? { samples: over.samples } : {}),
  };
  const counter = more.counter ?? newCounter();
  const opened = await openModel({ spec, device: 'cpu', threads: kernel.threads });
  const model = counting(opened, counter);
  let selectionRows = -1;
  let last = 0;
  const perSample: number[] = [];
  try {
    const session = await adapter.open({ options: adapterOptions, model, signal: more.signal });
    try {
      const result = await runAnalysis({
        modality: adapter.name,
        session,
        model,
        estimator,
        estimatorOptions,
        pairs: pairs ? pairStrategy(pairs) : undefined,
        selection,
        reward: 'log-odds',
        seed: 0,
        batchSize: kernel.batchSize,
        cacheLimit: 250_000,
        ...(more.out ? { run: { out: more.out, resume: more.resume === true, finish: more.finish } } : {}),
        fingerprint: { protocol: protocol.name, adapterOptions },
        signal: more.signal,
        onEvent: (e) => {
          if (e.type === 'selected') {
            selectionRows = seen(counter);
            last = selectionRows;
          } else if (e.type === 'sample') {
            perSample[e.sample] = seen(counter) - last;
            last = seen(counter);
          }
          more.onEvent?.(e, counter);
        },
      });
      return { result: parseResult(JSON.parse(JSON.stringify(result))), counter, selectionRows, perSample };
    } finally {
      await session.dispose?.();
    }
  } finally {
    await model.runner.dispose();
  }
}

/** The wrapped runner saw exactly what the result counts: per purpose, per sample, in total. */
function expectCountsMatch(r: Awaited<ReturnType<typeof analyse>>): void {
  const { result, counter, selectionRows, perSample } = r;
  const calls = result.modelCalls;
  expect(selectionRows).toBeGreaterThan(0);
  // The selection unit: sample choice and (unlabelled data) label predictions.
  expect(calls.selection + calls.labels).toBe(selectionRows);
  expect(calls.attack + calls.dynamics + calls.noise).toBe(0);
  expect(calls.total).toBe(CALL_PURPOSES.reduce((a, p) => a + calls[p], 0));
  expect(calls.total).toBe(seen(counter));
  expect(perSample).toEqual(result.samples.map((s) => s.modelCalls));
  expect(calls.estimation + calls['feature-map-prefix'] + calls['word-effects']).toBe(
    result.samples.reduce((a, s) => a + s.modelCalls, 0),
  );
}

describe('runAnalysis: a counting runner sees exactly the model calls of the result', () => {
  it('tabular: selection predictions and 2^12 coalitions per sample', async () => {
    const r = await analyse(tabularAdapter, census, { samples: 3 }, { dataset: 'census' });
    expectCountsMatch(r);
    expect(r.result.samples).toHaveLength(3);
    expect(r.counter.prefixRows + r.counter.suffixRows).toBe(0);
    expect(r.result.modelCalls.selection).toBe(r.result.selection!.predicted);
    expect(r.result.modelCalls.estimation).toBe(3 * 4096);
    expect(r.result.modelCalls['feature-map-prefix']).toBe(0);
  });

  it('vision patches: selection and sampled coalitions', async () => {
    const r = await analyse(
      visionAdapter,
      cnn,
      { samples: 2, pairs: { count: 4 }, estimatorOptions: { contexts: 3, repeats: 2, ratios: [0, 0.5, 1] } },
      { dataset: 'cifar10', grid: '4', limit: 40, heatmaps: 0 },
    );
    expectCountsMatch(r);
    expect(r.counter.prefixRows + r.counter.suffixRows).toBe(0);
    expect(r.result.modelCalls.selection).toBe(40);
    expect(r.result.modelCalls['feature-map-prefix']).toBe(0);
    expect(r.result.modelCalls.estimation).toBe(r.counter.rows - 40);
  });

  it('text, unlabelled, players by effect: label predictions, word effects and coalitions, each counted', async () => {
    const sentences = [
      'a gorgeous , witty , seductive movie about love',
      'the plot is dull and the acting is even worse',
      'an unflinchingly bleak and desperate , often funny story',
    ];
    const r = await analyse(
      adapters.get('text'),
      distilbert,
      { samples: 3 },
      { sentence: sentences, words: '4', wordChoice: 'effect' },
    );
    expectCountsMatch(r);
    const calls = r.result.modelCalls;
    // Selection rule `correct` on predicted labels: each sentence predicted once for its label,
    // once to be selected (it is then correct by definition).
    expect(calls.labels).toBe(3);
    expect(calls.selection).toBe(3);
    // n + 1 rows per sentence over its eligible words, and 2^4 coalitions each.
    const eligible = r.result.samples.map((s) => (s.players as { words?: string[] }).words?.length);
    expect(eligible).toEqual([4, 4, 4]);
    expect(calls['word-effects']).toBeGreaterThanOrEqual(3 * (4 + 1));
    expect(calls.estimation).toBe(3 * 16);
  });

  it('vision feature maps: one prefix run per image, every coalition through the suffix', async () => {
    const r = await analyse(
      visionAdapter,
      fmnist,
      { protocol: 'lite', samples: 2, pairs: { count: 5 }, estimatorOptions: { contexts: 4, repeats: 1 } },
      { dataset: 'fashion-mnist', featureMap: 'relu2', grid: '7', heatmaps: 0 },
    );
    expectCountsMatch(r);
    // The full model ran only to select; the prefix once per sample, the suffix for the coalitions.
    expect(r.counter.rows).toBe(r.result.modelCalls.selection);
    expect(r.counter.prefixRows).toBe(2);
    expect(r.result.modelCalls['feature-map-prefix']).toBe(r.counter.prefixRows);
    expect(r.result.modelCalls.estimation).toBe(r.counter.suffixRows);
    // And the numbers of `orderlens analyze vision --feature-map relu2 …`.
    expect(r.result.samples.map((s) => s.index)).toEqual(recorded.featureMap.indices);
    expectPinnedCurve(
      r.result.aggregate.strength.J,
      recorded.featureMap.J,
      r.result.aggregate.raw,
      r.counter.maxAbsOutput,
      shapes.fmnistCnn,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Resume
// ---------------------------------------------------------------------------------------------

describe('resume counts model calls and reproduces the uninterrupted run', () => {
  const flags: Overrides = {
    samples: 2,
    pairs: { count: 4 },
    estimatorOptions: { contexts: 3, repeats: 2, ratios: [0, 0.3, 0.7, 1] },
  };
  const adapterFlags = { dataset: 'cifar10', grid: '4', limit: 60, heatmaps: 0 };
  let straight: Awaited<ReturnType<typeof analyse>>;
  beforeAll(async () => {
    straight = await analyse(visionAdapter, cnn, flags, adapterFlags, { out: join(tmp.dir, 'straight') });
  });

  it('interrupted after sample 1, the resumed process runs exactly sample 2 and no selection', async () => {
    expect(straight.result.samples).toHaveLength(2);
    const out = join(tmp.dir, 'interrupted');
    const controller = new AbortController();
    const first = newCounter();
    await expect(
      analyse(visionAdapter, cnn, flags, adapterFlags, {
        out,
        counter: first,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'sample' && e.sample === 0) controller.abort();
        },
      }),
    ).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof InterruptedError &&
        /^interrupted: 1 of 2 samples saved in .*interrupted[\\/]run; run the same command with (--resume|`resume`) to continue$/.test(
          e.message,
        ),
    );
    // The first process: the selection and sample 1, nothing of sample 2.
    expect(seen(first)).toBe(straight.result.modelCalls.selection + straight.result.samples[0].modelCalls);
    expect(readdirSync(join(out, 'run', 'units')).sort()).toEqual(['sample-0.json', 'selection.json']);

    const second = newCounter();
    const resumed = await analyse(visionAdapter, cnn, flags, adapterFlags, {
      out,
      resume: true,
      counter: second,
    });
    expect(resumed.selectionRows).toBe(0); // the stored selection, not a single prediction
    expect(seen(second)).toBe(straight.result.samples[1].modelCalls);
    expect(resumed.perSample[0]).toBeUndefined(); // sample 1 was not recomputed
    expect(resumed.perSample[1]).toBe(straight.result.samples[1].modelCalls);
    // The result is the uninterrupted run's, and its calls are the totals over both processes.
    expect(resumed.result.samples.map(numbersOf)).toEqual(straight.result.samples.map(numbersOf));
    expect(resumed.result.aggregate).toEqual(straight.result.aggregate);
    expect(resumed.result.selection).toEqual(straight.result.selection);
    expect(resumed.result.modelCalls).toEqual(straight.result.modelCalls);
    expect(resumed.result.modelCalls.total).toBe(seen(first) + seen(second));

    // Resuming the finished run computes nothing at all.
    const third = newCounter();
    const again = await analyse(visionAdapter, cnn, flags, adapterFlags, {
      out,
      resume: true,
      counter: third,
    });
    expect(seen(third)).toBe(0);
    expect(again.result.modelCalls).toEqual(straight.result.modelCalls);
    expect(again.result.aggregate).toEqual(straight.result.aggregate);
  });

  it('a crash while the result is written leaves a run that --resume finishes without model calls', async () => {
    const out = join(tmp.dir, 'crash-in-finish');
    await expect(
      analyse(visionAdapter, cnn, flags, adapterFlags, {
        out,
        finish: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    // Not marked complete: a rerun without --resume may not replace it ...
    expect(existsSync(join(out, 'run', 'complete.json'))).toBe(false);
    await expect(analyse(visionAdapter, cnn, flags, adapterFlags, { out })).rejects.toThrow(/--resume/);
    // ... and --resume writes the result from the stored units alone.
    const counter = newCounter();
    let written: InteractionResult | undefined;
    const resumed = await analyse(visionAdapter, cnn, flags, adapterFlags, {
      out,
      resume: true,
      counter,
      finish: (r) => (written = r),
    });
    expect(seen(counter)).toBe(0);
    expect(written?.aggregate).toEqual(straight.result.aggregate);
    expect(resumed.result.aggregate).toEqual(straight.result.aggregate);
    expect(existsSync(join(out, 'run', 'complete.json'))).toBe(true);
  });

  it('a model file replaced between runs is refused on --resume, naming --model', async () => {
    const dir = join(tmp.dir, 'replaced-model');
    mkdirSync(dir, { recursive: true });
    const model = join(dir, 'model.onnx');
    copyFileSync(cnn, model);
    copyFileSync(repo('fixtures/cifar-cnn/meta.json'), join(dir, 'meta.json'));
    const out = join(tmp.dir, 'replaced-out');
    const args = [
      '--quiet',
      'analyze',
      'vision',
      '--model',
      model,
      '--dataset',
      'cifar10',
      '--grid',
      '4',
      '--pairs',
      '3',
      '--contexts',
      '2',
      '--ratios',
      '0,1',
      '--repeats',
      '1',
      '--samples',
      '2',
      '--limit',
      '30',
      '--heatmaps',
      '0',
      '--out',
      out,
    ];
    const first = await runCli(args);
    expect(first.code).toBe(0);
    const before = readFileSync(join(out, 'result.json'), 'utf8');
    // Same file name, other bytes (the CIFAR ViT takes the same input).
    writeFileSync(model, readFileSync(vit));
    const r = await runCli([...args, '--resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --model: .*replaced-model[\\/]model\.onnx is not the model the run in .*replaced-out[\\/]run was started with \(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/,
    );
    expect(readFileSync(join(out, 'result.json'), 'utf8')).toBe(before);
    // The same through the library.
    await expect(
      analyse(
        visionAdapter,
        model,
        { samples: 2, pairs: { count: 3 }, estimatorOptions: { contexts: 2, ratios: [0, 1], repeats: 1 } },
        { dataset: 'cifar10', grid: '4', limit: 30, heatmaps: 0 },
        { out, resume: true },
      ),
    ).rejects.toThrow(/model: .* is not the model the run in .* was started with/);
  });
});
