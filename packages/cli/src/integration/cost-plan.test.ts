import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

// Issue 24: a vision run made 354,624 model calls with nothing saying so before it started.
// Every analysis now prints its plan before the selection; --dry-run prints it and exits, and
// --budget refuses a plan above it, both before anything is written to --out.

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const tmp = tempDir('orderlens-cost-plan-');
afterAll(() => tmp.cleanup());

const small = (out: string) => [
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
  '--pairs',
  '6',
  '--contexts',
  '4',
  '--samples',
  '2',
  '--out',
  out,
];
const PLAN =
  /^plan: ([\d,]+) model calls per sample \(n = 16 players on the first candidate\) × 2 samples \+ at most 1,000 selection calls = ([\d,]+) model calls at most, about [\d.]+ (s|min|h) \(\S+ model calls\/s at batch 256, measured on \d+ warm-up rows\)\n$/;
const num = (s: string) => Number(s.replace(/,/g, ''));

describe('the plan before an analysis', () => {
  it('--dry-run prints the exact calls a run then makes, and writes nothing', async () => {
    const out = join(tmp.dir, 'dry');
    const dry = await runCli([...small(out), '--dry-run']);
    expect(dry.code).toBe(0);
    const m = PLAN.exec(dry.stdout);
    expect(m, dry.stdout).not.toBeNull();
    const perSample = num(m![1]);
    expect(num(m![2])).toBe(2 * perSample + 1000);
    expect(existsSync(out)).toBe(false);

    const run = await runCli([...small(out), '-q']);
    expect(run.code).toBe(0);
    const res = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    // The coalitions an estimator asks for depend on the seed, the sample's position and its
    // players, never on the values: the plan's count is the first sample's exactly; the second
    // draws other contexts, so its de-duplicated count differs a little.
    expect(res.samples[0].modelCalls).toBe(perSample);
    expect(Math.abs(res.samples[1].modelCalls - perSample)).toBeLessThan(0.05 * perSample);
    // The selection stops predicting once it has its samples: at most the planned 1,000.
    expect(res.modelCalls.selection).toBe(res.selection!.predicted);
    expect(res.modelCalls.selection).toBeLessThanOrEqual(1000);
    expect(res.provenance.options).toMatchObject({
      batchSize: 256,
      plan: { callsPerSample: perSample, plannedCalls: 2 * perSample + 1000 },
    });
    expect((res.provenance.options as { plan: { warmupRows: number } }).plan.warmupRows).toBeGreaterThan(0);

    // The resume of this finished run has nothing to compute: its plan says so, and neither
    // counts coalitions nor times the model (a warm-up ran the model for a plan of 0 calls).
    const again = await runCli([...small(out), '--resume']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(
      'plan: every one of the 2 samples of the run is finished: no model calls (nothing is warmed up or timed)',
    );
    const resumed = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    expect(resumed.modelCalls).toEqual(res.modelCalls);
    expect(resumed.provenance.options).toMatchObject({
      plan: { callsPerSample: 0, plannedCalls: 0, warmupRows: 0 },
    });
  });

  it('counts exactly when only the first batches are masked for real (batch 32: 128 rows masked)', async () => {
    // The plan masks 4 batches for real and counts the rest with placeholders; the count must
    // not depend on that, and the warm-up must have run real rows.
    const out = join(tmp.dir, 'small-batch');
    const args = [...small(out), '--batch-size', '32'];
    const dry = await runCli([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    const m = /^plan: ([\d,]+) model calls per sample .* measured on (\d+) warm-up rows/.exec(dry.stdout);
    expect(m, dry.stdout).not.toBeNull();
    const perSample = num(m![1]);
    expect(perSample).toBeGreaterThan(4 * 32);
    expect(num(m![2])).toBeGreaterThanOrEqual(2 * 16);
    const run = await runCli([...args, '-q']);
    expect(run.code).toBe(0);
    const res = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')));
    expect(res.samples[0].modelCalls).toBe(perSample);
  });

  it('--budget refuses a plan above it before the selection, writing nothing', async () => {
    const out = join(tmp.dir, 'budget');
    const calls = await runCli([...small(out), '--budget', '2000']);
    expect(calls.code).toBe(2);
    expect(calls.stderr).toMatch(
      /error: --budget: the plan needs about [\d,]+ model calls \([\d,]+ per sample × 2 samples \+ 1,000 for the selection\), above the budget of 2,000/,
    );
    expect(existsSync(join(out, 'run'))).toBe(false);
    const time = await runCli([...small(out), '--budget', '0.001s']);
    expect(time.code).toBe(2);
    expect(time.stderr).toMatch(/error: --budget: the plan takes about .*, above the budget of 1 s/);
    const bad = await runCli([...small(out), '--budget', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error: --budget: expected model calls \(e\.g\. 2e6 or 500000\) or a time/);
    expect(existsSync(join(out, 'run'))).toBe(false);
    // A plan the estimator cannot serve is refused with the flag that changes it, before the
    // selection (the exact estimator said `n: n = 256 is too large…` after it).
    const exact = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--dataset',
      'cifar10',
      '--estimator',
      'exact',
      '--samples',
      '1',
      '--out',
      out,
    ]);
    expect(exact.code).toBe(2);
    expect(exact.stderr).toMatch(
      /^error: --grid: the first sample \(image-0\) has 256 players; the exact estimator handles at most 24/,
    );
    expect(existsSync(join(out, 'run'))).toBe(false);
    // Within the budget the run goes ahead.
    const ok = await runCli([...small(out), '--budget', '1h', '-q']);
    expect(ok.code).toBe(0);
  });
});
