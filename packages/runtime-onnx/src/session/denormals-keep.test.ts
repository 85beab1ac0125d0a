import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { OnnxRunner } from '../runner/onnx-runner.js';
import { DENORMAL_SCALE, denormalModelBytes } from '../test-utils/index.js';
import { processDenormalMode } from './denormals.js';

/*
 * A process whose first ONNX Runtime session keeps denormals (vitest runs each test file in its
 * own process; see denormals.test.ts for the default).
 */

const ones = (rows: number) => ({
  x: { type: 'float32' as const, data: new Float32Array(rows).fill(1), dims: [rows, 1] },
});

describe('denormals kept (keepDenormals: true)', () => {
  it('keeps them: x · 1e-39 reads 1e-39 in float32, on one thread and on two', async () => {
    for (const intraOpNumThreads of [1, 2]) {
      const runner = await OnnxRunner.fromBytes(denormalModelBytes(), {
        providers: ['cpu'],
        intraOpNumThreads,
        keepDenormals: true,
        log: () => {},
      });
      expect(runner.denormals).toBe('keep');
      const out = await runner.run(ones(100_000));
      expect(out.data.every((v) => v === Math.fround(DENORMAL_SCALE))).toBe(true);
      await runner.dispose();
    }
    expect(processDenormalMode()).toBe('keep');
  });

  it('refuses a default (flushing) runner in a process that keeps denormals, naming keepDenormals', async () => {
    const err = await OnnxRunner.fromBytes(denormalModelBytes(), { providers: ['cpu'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OrderlensInputError);
    expect((err as OrderlensInputError).field).toBe('keepDenormals');
    expect((err as Error).message).toMatch(/already keeps denormals.*cannot be created here/);
  });
});
