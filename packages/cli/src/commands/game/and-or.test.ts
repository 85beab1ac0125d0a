import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { runCli } from '../../program.js';

describe('orderlens and-or', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderlens-and-or-'));
  // v(T) = 1 when T meets {0, 1}: an OR of players 0 and 1, with player 2 a dummy.
  const game = join(dir, 'or.json');
  writeFileSync(game, JSON.stringify({ n: 3, values: [0, 1, 1, 1, 0, 1, 1, 1] }));

  it('finds the OR interaction of an OR game and checks universal matching', async () => {
    const out = join(dir, 'r.json');
    const r = await runCli(['and-or', '--game', game, '--qthres', '0', '--niter', '2000', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/and-or: n = 3/);
    const result = parseResult(JSON.parse(readFileSync(out, 'utf8')));
    expect(result.modality).toBe('game');
    expect(result.estimator.name).toBe('and-or');
    expect(result.n).toBe(3);
    expect(result.samples).toHaveLength(1);
    const [sample] = result.samples;
    expect(sample.players).toEqual({ kind: 'generic', n: 3 });
    expect(sample.or).toHaveLength(8);
    expect(sample.or![0b011]).toBeCloseTo(1, 2);
    expect(Math.abs(sample.harsanyi![0b011])).toBeLessThan(0.05);
    expect(sample.residuals!.universalMatching).toBeLessThan(1e-9);
    expect(sample.andOr!.matchingResidual).toBeLessThan(1e-9);
    // The 2^3 game values are the model calls.
    expect(result.modelCalls.total).toBe(8);
    expect(sample.modelCalls).toBe(8);
  });

  it('rejects bad options naming them', async () => {
    const r = await runCli(['and-or', '--game', game, '--qthres', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--qthres/);
  });
});
