import { describe, expect, it } from 'vitest';
import { pacedBatchSize, type AnalysisCost } from './cost-plan.js';

const cost = (
  secondsPerCall: number | undefined,
  batchSize = 256,
  modelBatchRows = batchSize,
): AnalysisCost => ({
  players: 64,
  callsPerSample: 1000,
  samples: 1,
  selectionCalls: 0,
  totalCalls: 1000,
  batchSize,
  modelBatchRows,
  warmupRows: 32,
  overheadSecondsPerSample: 0,
  ...(secondsPerCall !== undefined ? { secondsPerCall } : {}),
});

describe('pacedBatchSize: the batch a slow model gets when --batch-size is left at its default', () => {
  it('keeps the planned batch when a batch takes at most 3 s, or when nothing was measured', () => {
    expect(pacedBatchSize(cost(0.001))).toBe(256); // 0.26 s a batch
    expect(pacedBatchSize(cost(3 / 256))).toBe(256);
    expect(pacedBatchSize(cost(undefined))).toBe(256);
  });
  it('lowers it to what 3 s hold, in multiples of the rows the runtime runs at once', () => {
    expect(pacedBatchSize(cost(0.01))).toBe(256); // 2.56 s: kept
    expect(pacedBatchSize(cost(0.05))).toBe(60);
    // nsfwjs on WebAssembly: 13 rows per runtime call, 0.18 s a row → 16 rows fit → 13.
    expect(pacedBatchSize(cost(0.18, 256, 13))).toBe(13);
    expect(pacedBatchSize(cost(0.05, 256, 13))).toBe(52);
  });
  it('never goes below one runtime call of rows', () => {
    expect(pacedBatchSize(cost(10, 256, 13))).toBe(13);
    expect(pacedBatchSize(cost(10))).toBe(1); // a runtime that runs the whole batch at once
    expect(pacedBatchSize(cost(10, 256, 1))).toBe(1);
  });
});
