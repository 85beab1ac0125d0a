import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { UnanimityGame } from '@orderlens/core/math';
import { theoryStrength } from '@orderlens/core/theory';
import { runCli } from '../../program.js';
import { examplePath, tempDir } from '../../test-utils/tmp.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

const players = (mask: number, n: number) =>
  Array.from({ length: n }, (_, i) => i).filter((i) => (mask >> i) & 1);

describe('orderlens exact', () => {
  it('matches the closed forms of a unanimity game', async () => {
    const spec = JSON.parse(readFileSync(examplePath('games/unanimity-8.json'), 'utf8'));
    const g = new UnanimityGame(spec.n, spec.v0, spec.terms);
    const out = tmp.file('r.json');
    const r = await runCli([
      'exact',
      '--game',
      examplePath('games/unanimity-8.json'),
      '--out',
      out,
      '--batch-size',
      '37',
    ]);
    expect(r.stderr).toMatch(/^exact 256\/256 \(100%\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^exact: n = 8, 256 model calls, max identity residual .*; wrote .*r\.json\n$/);
    const res = parseResult(JSON.parse(readFileSync(out, 'utf8')));
    const n = 8;
    expect(res.schema).toBe('orderlens/interaction-result@3');
    expect(res.modality).toBe('game');
    expect(res.n).toBe(n);
    expect(res.modelCalls).toMatchObject({ selection: 0, estimation: 256, total: 256 });
    expect(res.estimator.name).toBe('exact');
    expect(res.provenance.data).toMatch(/unanimity-8\.json \(unanimity: unanimity-8\)$/);
    expect(res.samples).toHaveLength(1);
    const smp = res.samples[0];
    expect(smp.players).toEqual({ kind: 'generic', n });
    expect(smp.modelCalls).toBe(256);
    expect(smp.harsanyi).toHaveLength(256);
    expect(smp.or).toHaveLength(256);
    for (let mask = 0; mask < 256; mask++) {
      expect(smp.harsanyi![mask]).toBeCloseTo(g.harsanyi(players(mask, n)), 12);
      expect(smp.or![mask]).toBeCloseTo(g.or(players(mask, n)), 12);
    }
    const phi = g.shapley();
    const ban = g.banzhaf();
    for (let i = 0; i < n; i++) {
      expect(smp.shapley![i]).toBeCloseTo(phi[i], 12);
      expect(smp.banzhaf![i]).toBeCloseTo(ban[i], 12);
      for (let j = 0; j < n; j++) if (i !== j) expect(smp.sii![i][j]).toBeCloseTo(g.sii(i, j), 12);
    }
    const mo = smp.multiOrder!;
    expect(mo.orders).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(res.orders).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(res.ratios).toEqual([0, 1, 2, 3, 4, 5, 6].map((m) => m / 6));
    expect(mo.pairs).toHaveLength(28);
    expect(mo.pairs.every(([i, j]) => i < j)).toBe(true);
    mo.pairs.forEach(([i, j], p) =>
      mo.orders.forEach((m, k) => expect(mo.values[p][k]).toBeCloseTo(g.multiOrder(i, j, m), 12)),
    );
    // The document's curves: strength = mean over pairs of |I^(m)|, aggregate.raw the same (one
    // sample), J normalised by its mean over orders, and the theory curve for n = 8.
    mo.orders.forEach((m, k) => {
      const meanAbs =
        mo.pairs.reduce((a, [i, j]) => a + Math.abs(g.multiOrder(i, j, m)), 0) / mo.pairs.length;
      expect(smp.strength[k]).toBeCloseTo(meanAbs, 12);
      expect(res.aggregate.raw[k]).toBeCloseTo(meanAbs, 12);
    });
    const meanRaw = res.aggregate.raw.reduce((a, b) => a + b, 0) / res.aggregate.raw.length;
    res.aggregate.strength.J.forEach((v, k) => expect(v).toBeCloseTo(res.aggregate.raw[k] / meanRaw, 12));
    expect(res.aggregate.theory.n).toBe(n);
    const F = theoryStrength(n, mo.orders);
    res.aggregate.theory.values.forEach((v, k) => expect(v).toBeCloseTo(F[k] / F[0], 12));
    // Without --quiet, nothing but the JSON lands in the output folder.
    expect(readdirSync(tmp.dir).sort()).toEqual(['r.json']);
  });

  it('reads table games, writes JSON to stdout without --out, and honours --orders and --quiet', async () => {
    // v = table of a 3-player game; its Harsanyi dividends by Möbius inversion by hand:
    // v: ∅0 {0}1 {1}1 {01}3 {2}1 {02}2 {12}2 {012}5 → a{0}=a{1}=a{2}=1, a{01}=1, a{02}=0, a{12}=0, a{012}=1.
    const r = await runCli([
      '--quiet',
      'exact',
      '--game',
      examplePath('games/table-3.json'),
      '--orders',
      '0,1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const res = parseResult(JSON.parse(r.stdout));
    const smp = res.samples[0];
    expect(smp.harsanyi).toEqual([0, 1, 1, 1, 1, 0, 0, 1].map((x) => expect.closeTo(x, 12)));
    // Shapley: φ_i = Σ_{T∋i} a_T/|T| → φ0 = 1 + 1/2 + 1/3, φ1 = same, φ2 = 1 + 1/3.
    expect(smp.shapley).toEqual([11 / 6, 11 / 6, 4 / 3].map((x) => expect.closeTo(x, 12)));
    expect(smp.multiOrder!.orders).toEqual([0, 1]);
    expect(res.orders).toEqual([0, 1]);
  });

  it('refuses games too large for enumeration, naming n and the 2^n calls', async () => {
    const r = await runCli(['exact', '--game', examplePath('games/grid-256.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: n: n = 256 is too large for an exact method: it needs 2\^256 = .* coalition values/,
    );
    const r2 = await runCli(['exact', '--game', examplePath('games/unanimity-8.json'), '--max-players', '6']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/^error: n: n = 8 is too large .*2\^8 = 256/);
  });

  it('rejects bad and unknown options', async () => {
    const game = examplePath('games/unanimity-8.json');
    const bad = await runCli(['exact', '--game', game, '--batch-size', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: --batch-size: expected an integer ≥ 1, got "0"/);
    const unknown = await runCli(['exact', '--game', game, '--batchsize', '10']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/error: unknown option '--batchsize'/);
    expect(unknown.stderr).toMatch(/Did you mean --batch-size\?/);
    const missing = await runCli(['exact']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--game <file>' not specified/);
    const orders = await runCli(['exact', '--game', game, '--orders', '0,9']);
    expect(orders.code).toBe(2);
    expect(orders.stderr).toMatch(/^error: --orders: order 9 is outside 0…6/);
  });
});
