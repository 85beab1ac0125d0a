import { describe, expect, it } from 'vitest';
import { noWorkerHint } from './distributed-options.js';

describe('study run --redis without a worker', () => {
  // Issue 24: with no worker the run printed `0/0 (100%)` forever, and nothing said why.
  it('says so at once, again once a minute, and when a worker connects', () => {
    const hint = noWorkerHint('redis://queue-host:6379', 'orderlens');
    expect(hint({ waiting: 3 }, 0)).toBeUndefined(); // before the first check of the workers
    expect(hint({ waiting: 3, workers: 0 }, 1000)).toBe(
      'no worker is connected to queue orderlens on redis://queue-host:6379; 3 jobs wait. ' +
        'Start one on a machine that mounts the study folder: orderlens worker --redis redis://queue-host:6379 --root <folder>',
    );
    expect(hint({ waiting: 3, workers: 0 }, 30_000)).toBeUndefined();
    expect(hint({ waiting: 3, workers: 0 }, 61_000)).toMatch(/^no worker is connected/);
    expect(hint({ waiting: 3, workers: 2 }, 62_000)).toBe('2 workers connected to queue orderlens');
    expect(hint({ waiting: 1, workers: 2 }, 63_000)).toBeUndefined();
    // Nothing waiting: no worker needed, nothing to say.
    expect(noWorkerHint('r', 'q')({ waiting: 0, workers: 0 }, 0)).toBeUndefined();
  });
});
