import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { OnnxRunner } from '../runner/onnx-runner.js';
import { denormalModelBytes } from '../test-utils/index.js';
import { processDenormalMode } from './denormals.js';
import { sessionOptions } from './providers.js';

/*
 * The default: denormals flushed to zero. ONNX Runtime settles this once per process at its first
 * session, and vitest runs each test file in its own process, so this file is a process whose
 * first session flushes; denormals-keep.test.ts is one whose first session keeps them.
 */

const ones = (rows: number) => ({
  x: { type: 'float32' as const, data: new Float32Array(rows).fill(1), dims: [rows, 1] },
});

describe('denormals flushed to zero (the default)', () => {
  it('a default runner flushes: x · 1e-39 reads exactly 0, on one thread and on two', async () => {
    for (const intraOpNumThreads of [1, 2]) {
      const runner = await OnnxRunner.fromBytes(denormalModelBytes(), {
        providers: ['cpu'],
        intraOpNumThreads,
        log: () => {},
      });
      expect(runner.denormals).toBe('flush');
      // A large batch, so that the two-thread session really splits the work across its pool.
      const out = await runner.run(ones(100_000));
      expect(out.data.every((v) => v === 0)).toBe(true);
      await runner.dispose();
    }
    expect(processDenormalMode()).toBe('flush');
  });

  it('sets session.set_denormal_as_zero, and leaves it out when keeping them', () => {
    expect(sessionOptions('cpu', {}).extra).toEqual({ session: { set_denormal_as_zero: '1' } });
    expect(sessionOptions('cpu', { denormals: 'flush' }).extra).toEqual({
      session: { set_denormal_as_zero: '1' },
    });
    expect(sessionOptions('cpu', { denormals: 'keep' }).extra).toBeUndefined();
  });

  it('refuses a runner that keeps denormals in a process that flushes them, naming keepDenormals', async () => {
    const err = await OnnxRunner.fromBytes(denormalModelBytes(), {
      providers: ['cpu'],
      keepDenormals: true,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderlensInputError);
    expect((err as OrderlensInputError).field).toBe('keepDenormals');
    expect((err as Error).message).toMatch(/already flushes denormals to zero.*separate process/);
  });

  it('refuses a keepDenormals that is not a boolean', async () => {
    await expect(
      OnnxRunner.fromBytes(denormalModelBytes(), { keepDenormals: 'yes' as unknown as boolean }),
    ).rejects.toThrow(/keepDenormals: expected true or false, got yes/);
  });
});
