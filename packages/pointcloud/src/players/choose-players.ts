import { requireInput, type Rng } from '@orderlens/core';
import type { Regions } from './kmeans.js';

/**
 * How `n` of the `k` regions become players:
 * - `random` (default, the papers' rule: "randomly selected 10 clusters as the input variables"):
 *   `n` regions uniformly without replacement from the cloud's own seeded stream;
 * - `largest`: the `n` regions with most points (ties by region index);
 * - `spread`: farthest-point sampling over the centroids, from the region nearest the cloud's
 *   centre, so the players cover the shape.
 */
export type PlayerRule = 'random' | 'largest' | 'spread';

/** The player rules, for option descriptors. */
export const PLAYER_RULES: readonly PlayerRule[] = ['random', 'largest', 'spread'];

/** Region indices of the `n` players under `rule`, in ascending region order. */
export function choosePlayers(regions: Regions, n: number, rule: PlayerRule, rng: Rng): number[] {
  const k = regions.k;
  requireInput(Number.isInteger(n) && n >= 1, '--players', `expected a positive integer, got ${n}`);
  requireInput(n <= k, '--players', `asks for ${n} players but there are only ${k} regions (--regions)`);
  const all = Array.from({ length: k }, (_, r) => r);
  let chosen: number[];
  switch (rule) {
    case 'random':
      chosen = rng.sample(all, n);
      break;
    case 'largest':
      chosen = all.sort((a, b) => regions.sizes[b] - regions.sizes[a] || a - b).slice(0, n);
      break;
    case 'spread': {
      const c = regions.centroids;
      const dist = (a: number, b: number) =>
        (c[3 * a] - c[3 * b]) ** 2 + (c[3 * a + 1] - c[3 * b + 1]) ** 2 + (c[3 * a + 2] - c[3 * b + 2]) ** 2;
      const norm = (a: number) => c[3 * a] ** 2 + c[3 * a + 1] ** 2 + c[3 * a + 2] ** 2;
      chosen = [all.reduce((b, r) => (norm(r) < norm(b) ? r : b), 0)];
      const near = all.map((r) => dist(r, chosen[0]));
      while (chosen.length < n) {
        let far = -1;
        for (const r of all) if (!chosen.includes(r) && (far < 0 || near[r] > near[far])) far = r;
        chosen.push(far);
        for (const r of all) near[r] = Math.min(near[r], dist(r, far));
      }
      break;
    }
    default:
      throw new Error(`unknown player rule ${rule as string}`);
  }
  return chosen.sort((a, b) => a - b);
}
