import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  ModelGateway,
  parseResult,
  type CallPurpose,
  type InteractionResult,
  type StudyStatus,
} from '@orderlens/core';
import { runCli } from '../program.js';
import { killWhenWritten } from '../test-utils/kill-when-written.js';
import { tempDir } from '../test-utils/tmp.js';
import { lacks, scaledTimeout } from '@orderlens/core/testing';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const tmp = tempDir('orderlens-study-');
/** The studies here name fixtures of the repository: a folder a study may read only with --root. */
const REPO = repo('.');
afterAll(() => tmp.cleanup());
afterEach(() => vi.restoreAllMocks());

// The text and point-cloud fixtures are trained by their own scripts; the study takes the
// modalities whose model is committed (tabular and vision always are).
const TEXT = repo('fixtures/sst2-bert');
const CLOUD = repo('fixtures/modelnet10-pointnet/model.onnx');
const hasText = existsSync(join(TEXT, 'onnx', 'model.onnx'));
const hasCloud = existsSync(CLOUD);

/** A small study over three or four modalities, every model a few seconds on one core. */
function studyText(samples = { tabular: 3, vision: 2, text: 2, pointcloud: 2 }): string {
  return [
    'name: cli-test',
    'seed: 5',
    'defaults:',
    '  vision:',
    '    protocol: lite',
    '    pairs: 4',
    '    contexts: 3',
    '    repeats: 1',
    '    perClass: 1',
    '    options: { dataset: cifar10, grid: 4, limit: 40, heatmaps: 1 }',
    'models:',
    '  - id: census',
    '    modality: tabular',
    `    model: ${repo('fixtures/census-mlp5/model.onnx')}`,
    `    samples: ${samples.tabular}`,
    '    options: { dataset: census }',
    '  - id: cifar',
    '    modality: vision',
    `    model: ${repo('fixtures/cifar-cnn/model.onnx')}`,
    `    samples: ${samples.vision}`,
    ...(hasText
      ? [
          '  - id: bert',
          '    modality: text',
          `    model: ${TEXT}`,
          `    samples: ${samples.text}`,
          `    options: { sentences: ${repo('packages/nlp/data/sst2/dev.tsv')}, words: '6', shortSentences: skip }`,
        ]
      : []),
    ...(hasCloud
      ? [
          '  - id: pointnet',
          '    modality: pointcloud',
          `    model: ${CLOUD}`,
          `    samples: ${samples.pointcloud}`,
          '    options: { regions: 12, players: 6 }',
        ]
      : []),
    '',
  ].join('\n');
}
const modelIds = ['census', 'cifar', ...(hasText ? ['bert'] : []), ...(hasCloud ? ['pointnet'] : [])];

const resultOf = (out: string, id: string) =>
  parseResult(JSON.parse(readFileSync(join(out, 'models', id, 'result.json'), 'utf8')));
/** Every number a result must reproduce whoever computed it (timings and paths aside). */
const numbers = (r: InteractionResult) => ({
  n: r.n,
  orders: r.orders,
  ratios: r.ratios,
  estimator: r.estimator,
  pairs: r.pairs,
  modelCalls: r.modelCalls,
  aggregate: r.aggregate,
  samples: r.samples.map(({ wallTimeMs: _t, ...rest }) => rest),
  selection: r.selection,
  seed: r.provenance.seed,
  sha256: r.provenance.model?.sha256,
});
const allNumbers = (out: string) =>
  Object.fromEntries(modelIds.map((id) => [id, numbers(resultOf(out, id))]));
/** Unit files of every model → mtime. */
const unitFiles = (out: string) =>
  new Map(
    modelIds.flatMap((id) => {
      const dir = join(out, 'models', id, 'run', 'units');
      return existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.json'))
            .map((f) => [join(dir, f), statSync(join(dir, f)).mtimeMs] as const)
        : [];
    }),
  );
const callsOf = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')) as { calls: { total: number } }).calls.total;

/** Model rows every ModelGateway of this process records while `f` runs. */
async function countingRows<T>(f: () => Promise<T>): Promise<{ value: T; rows: number }> {
  let rows = 0;
  const record = ModelGateway.prototype.record;
  vi.spyOn(ModelGateway.prototype, 'record').mockImplementation(function (
    this: ModelGateway,
    purpose: CallPurpose,
    n: number,
  ) {
    rows += n;
    record.call(this, purpose, n);
  });
  try {
    return { value: await f(), rows };
  } finally {
    vi.restoreAllMocks();
  }
}

const study = tmp.file('study.yaml', studyText());
const straight = join(tmp.dir, 'straight');

describe('orderlens study run', () => {
  it(`runs a study over ${modelIds.length} models and ${2 + +hasText + +hasCloud} modalities end to end`, async () => {
    const run = await runCli(['--quiet', 'study', 'run', '--root', REPO, study, '--out', straight]);
    expect(run.stderr.replace(/^(onnx|warning): .*\n/gm, '')).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `study cli-test: ${modelIds.length}/${modelIds.length} models done; this run computed \\d+ sample units`,
      ),
    );
    const manifest = JSON.parse(readFileSync(join(straight, 'study.json'), 'utf8')) as {
      schema: string;
      models: Array<{ id: string; dir: string; model: { sha256: string } }>;
    };
    expect(manifest.schema).toBe('orderlens/study-run@1');
    expect(manifest.models.map((m) => m.dir)).toEqual(modelIds.map((id) => `models/${id}`));
    for (const id of modelIds) {
      const r = resultOf(straight, id);
      expect(r.schema).toBe('orderlens/interaction-result@3');
      expect(r.aggregate.strength.J.every(Number.isFinite), id).toBe(true);
      expect(r.provenance.seed).toBe(5);
      expect(existsSync(join(straight, 'models', id, 'run', 'complete.json'))).toBe(true);
    }
    expect(existsSync(join(straight, 'models', 'cifar', 'heatmap-0.png'))).toBe(true);
    const status = await runCli(['study', 'status', straight, '--json']);
    const s = JSON.parse(status.stdout) as StudyStatus;
    expect(s).toMatchObject({ state: 'done', etaMs: 0 });
    expect(s.totals).toMatchObject({ models: modelIds.length, done: modelIds.length, failed: 0, pending: 0 });
    expect(s.totals.modelCalls).toBe(
      modelIds.reduce((a, id) => a + resultOf(straight, id).modelCalls.total, 0),
    );
    const table = await runCli(['study', 'status', straight]);
    expect(table.stdout).toMatch(/study cli-test .*: done — \d\/\d models done, 0 failed, 0 pending/);
    expect(table.stdout).toMatch(/^ {2}census +tabular +done +3\/3 samples/m);
  });

  it('gives the numbers and the outputs `orderlens analyze` gives with the same settings', async () => {
    const out = join(tmp.dir, 'analyze');
    const run = await runCli([
      '--quiet',
      'analyze',
      'tabular',
      '--model',
      repo('fixtures/census-mlp5/model.onnx'),
      '--dataset',
      'census',
      '--samples',
      '3',
      '--seed',
      '5',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    const a = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    expect(numbers(resultOf(straight, 'census'))).toEqual(numbers(a));
    // One finish step: the same outputs, each beside its own result (the strength plot included).
    const named = (r: InteractionResult, dir: string) =>
      JSON.parse(JSON.stringify(r.outputs ?? {}).replaceAll(dir, '<dir>')) as unknown;
    const studied = resultOf(straight, 'census');
    expect(named(studied, join(straight, 'models', 'census'))).toEqual(named(a, out));
    expect(Object.keys(studied.outputs ?? {})).toContain('strength');
    expect(existsSync(join(straight, 'models', 'census', 'strength.png'))).toBe(true);
  });

  const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
  it.skipIf(lacks('built CLI', 'a study through the built executable'))(
    'killed with SIGKILL half-way, --resume computes only the pending units and ends with the same numbers',
    async () => {
      const out = join(tmp.dir, 'killed');
      // SIGKILL as soon as the first sample unit is on disk: no handler runs, nothing is flushed.
      await killWhenWritten(
        bin,
        ['--quiet', 'study', 'run', '--root', REPO, study, '--out', out],
        join(out, 'models', 'census', 'run', 'units', 'sample-0.json'),
      );

      // The status reads the unit files: what the killed process finished, and that it is gone.
      const before = JSON.parse((await runCli(['study', 'status', out, '--json'])).stdout) as StudyStatus;
      expect(before.state).toBe('stopped');
      expect(before.totals.done).toBeLessThan(modelIds.length);
      expect(before.totals.samplesDone).toBeGreaterThanOrEqual(1);
      const pending = before.totals.samples - before.totals.samplesDone;
      expect(pending).toBeGreaterThan(0);
      const finished = unitFiles(out);

      // Without --resume the folder is refused; with it, only pending units are computed.
      // Refused before the plan: no model is opened and timed for a run that cannot start.
      const { value: refused, rows: refusedRows } = await countingRows(() =>
        runCli(['study', 'run', '--root', REPO, study, '--out', out]),
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^error: --out: .* already holds the study "cli-test" .*pass --resume/);
      expect(refusedRows).toBe(0);
      expect(refused.stderr).not.toMatch(/model calls|warm-up/);
      const { value: resumed, rows } = await countingRows(() =>
        runCli(['--quiet', 'study', 'run', '--root', REPO, study, '--out', out, '--resume']),
      );
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(
        new RegExp(`this run computed ${pending} sample units with ${rows} model calls`),
      );
      // Finished units were not rewritten, and every model call of the resumed process went into a new unit.
      for (const [f, mtime] of finished) expect(statSync(f).mtimeMs, f).toBe(mtime);
      const fresh = [...unitFiles(out).keys()].filter((f) => !finished.has(f));
      expect(fresh.filter((f) => /sample-\d+\.json$/.test(f))).toHaveLength(pending);
      expect(rows).toBe(fresh.reduce((a, f) => a + callsOf(f), 0));
      expect(allNumbers(out)).toEqual(allNumbers(straight));
      const after = JSON.parse((await runCli(['study', 'status', out, '--json'])).stdout) as StudyStatus;
      expect(after).toMatchObject({ state: 'done', totals: { samplesDone: before.totals.samples } });
    },
  );

  it('refuses a changed study or a changed model on resume, naming what changed', async () => {
    const changed = tmp.file('changed.yaml', studyText({ tabular: 4, vision: 2, text: 2, pointcloud: 2 }));
    const r = await runCli(['study', 'run', '--root', REPO, changed, '--out', straight, '--resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error: --resume: .*changed\.yaml is not the study the run in .* was started with \(model "census" changed: selection\.samples: 3 → 4\); restore it, or run it into another --out/,
    );
    const renamed = tmp.file('renamed.yaml', studyText().replace('  - id: cifar', '  - id: cifar10'));
    const r2 = await runCli(['study', 'run', '--root', REPO, renamed, '--out', straight, '--resume']);
    expect(r2.stderr).toMatch(/\(models added: cifar10; models removed: cifar\)/);

    // A model file whose bytes changed: refused before it is opened.
    const model = tmp.file('mlp.onnx');
    copyFileSync(repo('fixtures/census-mlp5/model.onnx'), model);
    const one = tmp.file(
      'one.yaml',
      `name: one\nmodels:\n  - { id: census, modality: tabular, model: mlp.onnx, samples: 1, options: { dataset: census } }\n`,
    );
    const out = join(tmp.dir, 'one');
    expect((await runCli(['--quiet', 'study', 'run', '--root', REPO, one, '--out', out])).code).toBe(0);
    appendFileSync(model, Buffer.from([0]));
    const r3 = await runCli(['study', 'run', '--root', REPO, one, '--out', out, '--resume']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(
      /error: --resume: model "census": mlp\.onnx is not the model the run in .* was started with \(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/,
    );
  });

  it('names the file, line and field of a bad study before running anything', async () => {
    const text = studyText().replace('limit: 40', 'limit: 0');
    const bad = tmp.file('bad.yaml', text);
    const out = join(tmp.dir, 'bad-out');
    const r = await runCli(['study', 'run', '--root', REPO, bad, '--out', out]);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('limit: 0')) + 1;
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: .*bad\\.yaml:${line}:\\d+ defaults\\.vision\\.options\\.limit: expected at least 1, got 0\\n$`,
      ),
    );
    expect(existsSync(out)).toBe(false);
    const typo = tmp.file('typo.yaml', studyText().replace('    samples: 2\n', '    sample: 2\n'));
    const r2 = await runCli(['study', 'run', '--root', REPO, typo, '--out', out]);
    expect(r2.stderr).toMatch(
      /typo\.yaml:\d+:5 models\[1\]\.sample: unknown field; expected one of id, modality, model/,
    );
  });

  // The plan opens and times every model of both studies (paper-scale: 8 networks, counting up to
  // 1.76 M coalitions of a sample each): about 50 s here alone, over 120 s beside the suite.
  it(
    'checks the shipped studies (--dry-run: the plan, nothing written)',
    { timeout: scaledTimeout(360_000) },
    async () => {
      for (const name of ['quick', 'paper-scale']) {
        const file = repo(`examples/studies/${name}.yaml`);
        const out = join(tmp.dir, `dry-${name}`);
        const r = await runCli(['study', 'run', '--root', REPO, file, '--out', out, '--dry-run']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^study ${name} .*: \\d+ models`));
        for (const modality of ['tabular', 'vision', 'text', 'pointcloud'])
          expect(r.stdout, `${name}: ${modality}`).toMatch(new RegExp(`: ${modality} `));
        expect(existsSync(out)).toBe(false);
      }
    },
  );
});

it('reports a YAML syntax error at its line', async () => {
  const bad = tmp.file('syntax.yaml', 'name: x\nmodels:\n  - id: a\n   modality: [\n');
  const r = await runCli(['study', 'run', '--root', REPO, bad, '--out', join(tmp.dir, 'syntax-out')]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: .*syntax\.yaml:\d+:\d+: /);
});

it('names --batch-size, --threads and --attempts when they are not counts, before anything is written', async () => {
  for (const [flag, value] of [
    ['--batch-size', '0'],
    ['--threads', 'x'],
    // Checked with or without --redis: a wrong value is not ignored until a queue is given.
    ['--attempts', '0'],
  ]) {
    const out = join(tmp.dir, `flags-${flag.slice(2)}`);
    const r = await runCli(['study', 'run', '--root', REPO, study, '--out', out, flag, value]);
    expect(r.code, flag).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^error: ${flag}: `));
    expect(existsSync(out)).toBe(false);
  }
});
