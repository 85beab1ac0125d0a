import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InteractionResult } from '../result/interaction-result.js';
import {
  AND_OR_NETWORKS,
  andOrStudy,
  andOrTablesDocument,
  measureAndOrSparsity,
  selectNetworks,
  valueTables,
} from './index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/** A result holding only what the sparsity run reads: `n` and each sample's Harsanyi table. */
const tablesResult = (n: number, tables: number[][]) =>
  ({
    n,
    reward: 'log-odds',
    samples: tables.map((h, i) => ({ id: `s${i}`, harsanyi: h })),
  }) as unknown as InteractionResult;

describe('measureAndOrSparsity', () => {
  // n = 6: one AND interaction of {0,1} and one of {2,3} on a baseline of 1 (2 of 126 terms).
  const h = new Array<number>(64).fill(0);
  h[0] = 1;
  h[0b0011] = 2;
  h[0b1100] = -3;

  it('rebuilds v = ζ(h) and summarises both presets: few salient terms that rebuild the game', () => {
    const { tables } = valueTables(tablesResult(6, [h]));
    expect(tables[0][0b111111]).toBe(0); // 1 + 2 − 3
    expect(tables[0][0b0111]).toBe(3);
    const m = measureAndOrSparsity(tablesResult(6, [h, h]), { niter: 200 });
    expect(m.presets.map((p) => p.preset)).toEqual(['orderlens', 'authors']);
    for (const p of m.presets) {
      expect(p.summary.samples).toBe(2);
      expect(p.summary.terms).toBe(126);
      expect(p.summary.salientCount.max).toBeLessThanOrEqual(10);
      expect(p.verdict.faithful).toBe(true);
    }
    expect(m.perSample.authors).toHaveLength(2);
    expect(m.authors).toHaveLength(2);
    const doc = andOrTablesDocument('toy', 'log-odds', m, 200);
    expect(doc).toMatchObject({ schema: 'orderlens/and-or-tables@1', network: 'toy', n: 6, niter: 200 });
    expect((doc.samples as Array<{ values: number[] }>)[1].values).toEqual(Array.from(tables[0]));
  });

  it('refuses a result whose samples kept no tables', () => {
    expect(() => valueTables(tablesResult(6, [h.slice(0, 8)]))).toThrow(/s0 has no Harsanyi table of 2\^6/);
  });
});

describe('andOrStudy', () => {
  it('runs the exact estimator with tables kept; DGCNN over 8 regions', () => {
    const { study, missing } = andOrStudy(
      selectNetworks(['modelnet10-pointnet', 'modelnet10-dgcnn'], AND_OR_NETWORKS),
      root,
      3,
      1,
    );
    expect(missing).toEqual([]);
    const [pointnet, dgcnn] = study.models as Array<
      Record<string, unknown> & { options: Record<string, unknown> }
    >;
    expect(pointnet).toMatchObject({ protocol: 'exact', samples: 3, estimatorOptions: { keepTables: true } });
    expect(pointnet.options.players).toBe(10);
    expect(dgcnn.options).toMatchObject({ players: 8, subsample: true });
  });

  it('names the option of an unknown network', () => {
    expect(() => selectNetworks(['cifar-vit'], AND_OR_NETWORKS, '--networks')).toThrow(
      /^--networks: unknown network "cifar-vit"/,
    );
  });
});
