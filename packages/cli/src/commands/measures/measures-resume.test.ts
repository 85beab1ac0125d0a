/**
 * The measure commands killed with SIGKILL once a unit is on disk, then `--resume`d: the units
 * already finished are read, not computed again, and every number equals an uninterrupted run's.
 * `noise-sensitivity` (its sample and noise units) and `generalization` (killed inside the test
 * split, after the training split finished) on the census MLP, through the built executable.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lacks, scaledTimeout } from '@orderlens/core/testing';
import { runCli } from '../../program.js';
import { killWhenWritten } from '../../test-utils/kill-when-written.js';
import { tempDir } from '../../test-utils/tmp.js';

const bin = fileURLToPath(new URL('../../../dist/bin.js', import.meta.url));
const onnx = fileURLToPath(new URL('../../../../../fixtures/census-mlp5/model.onnx', import.meta.url));
const tmp = tempDir('orderlens-measures-resume-');
afterAll(() => tmp.cleanup());

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const unitFiles = (dir: string) =>
  existsSync(join(dir, 'run', 'units'))
    ? readdirSync(join(dir, 'run', 'units')).filter((f) => f.endsWith('.json'))
    : [];

/** `x` without its times (`wallTimeMs`, `createdAt`), at any depth. */
function withoutTimes(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(withoutTimes);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(
    Object.entries(x)
      .filter(([k]) => k !== 'wallTimeMs' && k !== 'createdAt')
      .map(([k, v]) => [k, withoutTimes(v)]),
  );
}

/** What a run computed: its samples, measures and calls (no times, no paths). */
function numbersOf(path: string) {
  const d = json(path);
  return withoutTimes({
    samples: d.samples,
    measures: d.measures,
    modelCalls: d.modelCalls,
    aggregate: d.aggregate,
  });
}

/** Runs the built CLI and kills it with SIGKILL as soon as `unit` exists. */
const killWhen = (args: string[], unit: string) => killWhenWritten(bin, args, unit);

/** The unit files of `dir` with their modification times. */
const stamps = (dir: string) =>
  new Map(unitFiles(dir).map((f) => [f, statSync(join(dir, 'run', 'units', f)).mtimeMs]));

describe('the measure commands resume after a kill', () => {
  it.skipIf(lacks('built CLI', 'measures through the built executable'))(
    'noise-sensitivity: SIGKILL after the first noise unit, --resume gives the numbers of a run without kill',
    async () => {
      const args = (out: string) => [
        ...['noise-sensitivity', 'tabular', '--model', onnx, '--delta', '0.2', '--draws', '3'],
        ...['--samples', '4', '--out', out],
      ];
      const straight = join(tmp.dir, 'noise-straight');
      expect((await runCli([...args(straight), '-q'])).code).toBe(0);
      const out = join(tmp.dir, 'noise-killed');
      await killWhen(args(out), join(out, 'run', 'units', 'noise-0.json'));
      const finished = stamps(out);
      expect(finished.has('noise-0.json')).toBe(true);
      expect(finished.has('noise-3.json')).toBe(false);
      expect(existsSync(join(out, 'result.json'))).toBe(false);
      const resumed = await runCli([...args(out), '--resume', '-q']);
      expect(resumed.code, resumed.stderr).toBe(0);
      for (const [f, mtime] of finished)
        expect(statSync(join(out, 'run', 'units', f)).mtimeMs, f).toBe(mtime);
      expect(numbersOf(join(out, 'result.json'))).toEqual(numbersOf(join(straight, 'result.json')));
    },
    scaledTimeout(180_000),
  );

  it.skipIf(lacks('built CLI', 'measures through the built executable'))(
    'generalization: SIGKILL inside the test split, --resume gives the Jaccard of a run without kill',
    async () => {
      const args = (out: string) => [
        ...['generalization', 'tabular', '--model', onnx, '--samples', '4', '--niter', '300'],
        ...['--out', out],
      ];
      const straight = join(tmp.dir, 'gen-straight');
      expect((await runCli([...args(straight), '-q'])).code).toBe(0);
      const out = join(tmp.dir, 'gen-killed');
      await killWhen(args(out), join(out, 'test', 'run', 'units', 'sample-0.json'));
      const train = stamps(join(out, 'train'));
      const test = stamps(join(out, 'test'));
      expect(existsSync(join(out, 'train', 'result.json'))).toBe(true);
      expect(test.has('sample-3.json')).toBe(false);
      expect(existsSync(join(out, 'result.json'))).toBe(false);
      const resumed = await runCli([...args(out), '--resume', '-q']);
      expect(resumed.code, resumed.stderr).toBe(0);
      for (const [side, done] of [
        ['train', train],
        ['test', test],
      ] as const)
        for (const [f, mtime] of done)
          expect(statSync(join(out, side, 'run', 'units', f)).mtimeMs, `${side}/${f}`).toBe(mtime);
      // The measure without its sources (the two result files of each folder).
      const g = (dir: string) => {
        const {
          train: _t,
          test: _s,
          ...m
        } = (json(join(dir, 'result.json')).measures as Record<string, Record<string, unknown>>)
          .generalization;
        return m;
      };
      expect(g(out)).toEqual(g(straight));
      expect(numbersOf(join(out, 'test', 'result.json'))).toEqual(
        numbersOf(join(straight, 'test', 'result.json')),
      );
    },
    scaledTimeout(240_000),
  );
});
