import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const tmp = tempDir('orderlens-antithetic-cli-');
const resultOf = (dir: string) => parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
afterAll(() => tmp.cleanup());

/** A small `analyze vision` of the CIFAR CNN (6×6 grid, 2 images, 8 pairs, 6 contexts). */
const analyze = (out: string, ...extra: string[]) =>
  runCli([
    'analyze',
    'vision',
    '--model',
    cnn,
    '--grid',
    '6',
    '--pairs',
    '8',
    '--contexts',
    '6',
    '--repeats',
    '1',
    '--ratios',
    '0,0.3,0.7,1',
    '--per-class',
    '1',
    '--samples',
    '2',
    '--heatmaps',
    '0',
    '--out',
    out,
    '-q',
    ...extra,
  ]);

describe('analyze vision --antithetic (issue 26)', () => {
  it('draws antithetic contexts, records it in the estimator options, and gives the same numbers at any batch size', async () => {
    const a = await analyze(join(tmp.dir, 'a'), '--antithetic', '--batch-size', '7');
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const b = await analyze(join(tmp.dir, 'b'), '--antithetic', '--batch-size', '256');
    expect(b.code).toBe(0);
    const plain = await analyze(join(tmp.dir, 'plain'));
    expect(plain.code).toBe(0);
    const ra = resultOf(join(tmp.dir, 'a'));
    const rb = resultOf(join(tmp.dir, 'b'));
    const rp = resultOf(join(tmp.dir, 'plain'));
    expect(ra.estimator.options).toMatchObject({ contexts: 6, strength: 'bracket', antithetic: true });
    // Left out, the option is absent (the recorded options of the protocols stay as they were).
    expect('antithetic' in rp.estimator.options).toBe(false);
    // Same pairs, same contexts whatever the batch size: identical values.
    expect(rb.samples.map((s) => s.multiOrder!.values)).toEqual(ra.samples.map((s) => s.multiOrder!.values));
    expect(rb.aggregate.raw).toEqual(ra.aggregate.raw);
    expect(ra.modelCalls.estimation).toBe(rb.modelCalls.estimation);
    // Other contexts than the i.i.d. draw of the same seed: the flag reached the sampler.
    expect(rp.samples.map((s) => s.multiOrder!.values)).not.toEqual(
      ra.samples.map((s) => s.multiOrder!.values),
    );
    // Antithetic pairs are one sample each: the interval's sides see 3 samples per cell, and
    // the run-wide interval is printed with the orders not at ±5 %.
    expect(ra.aggregate.strengthInterval).toBeDefined();
    expect(a.stdout).toMatch(
      /J\(m\) 95 % interval \(contexts and estimator bias, samples fixed\): 0:±0\.0% /,
    );
    expect(a.stdout).toMatch(/NOT within ±5 % at ratios? [\d., ]*0\.3/);
  }, 240_000);

  it("the run-wide interval is judged by the adaptive estimator's --target-error", async () => {
    const out = join(tmp.dir, 'adaptive-target');
    const r = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--protocol',
      'adaptive',
      '--target-error',
      '0.5',
      '--grid',
      '6',
      '--pairs',
      '8',
      '--repeats',
      '1',
      '--ratios',
      '0,0.3,0.7,1',
      '--samples',
      '2',
      '--per-class',
      '1',
      '--heatmaps',
      '0',
      '--out',
      out,
      '-q',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const iv = resultOf(out).aggregate.strengthInterval!;
    expect(iv.targetError).toBe(0.5);
    expect(iv.targetMet).toEqual(iv.relativeError.map((e) => e !== null && e <= 0.5));
    // The summary names the target it judged by.
    expect(r.stdout).toMatch(/J\(m\) (within ±50 % at every order|NOT within ±50 % at ratio)/);
  }, 120_000);

  it('is refused before any work where it cannot apply, naming the flag at fault', async () => {
    const odd = join(tmp.dir, 'odd');
    const r1 = await analyze(odd, '--antithetic', '--contexts', '5');
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(
      /^error: --contexts: antithetic contexts come in pairs: expected an even number of contexts, got 5/,
    );
    expect(existsSync(odd)).toBe(false);
    const fast = join(tmp.dir, 'fast');
    const r2 = await analyze(fast, '--antithetic', '--protocol', 'fast');
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^error: --antithetic: antithetic contexts need independent contexts per pair/);
    expect(existsSync(fast)).toBe(false);
    const adaptive = join(tmp.dir, 'adaptive');
    const r3 = await runCli([
      'analyze',
      'vision',
      '--model',
      cnn,
      '--protocol',
      'adaptive',
      '--antithetic',
      '--out',
      adaptive,
      '-q',
    ]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/^error: --antithetic: the adaptive estimator has no such option/);
    expect(existsSync(adaptive)).toBe(false);
  }, 60_000);
});
