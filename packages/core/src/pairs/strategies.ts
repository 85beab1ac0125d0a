import { requireInput, requirePositiveInt } from '../errors/errors.js';
import type { PlayersDescriptor } from '../adapter/players-descriptor.js';
import type { Rng } from '../random/rng.js';
import { countNeighbourPairs, referencePairs } from '../sampling/reference-pairs.js';
import { offsetPairs } from './grid-offsets.js';
import type { PairStrategy, PairStrategyContext, PlayerPair } from './pair-strategy.js';

function gridOf(players: PlayersDescriptor): { rows: number; cols: number } {
  requireInput(
    players.kind === 'grid' || players.kind === 'feature-map',
    'pairs',
    `grid-neighbourhood pairs need grid players, got ${players.kind} players`,
  );
  return { rows: players.rows, cols: players.cols };
}

/**
 * How a grid strategy draws the partner `j` of `i`:
 * - `window` (default): uniform among the cells within Chebyshev `radius` of `i`, the window
 *   clamped to the grid ({@link referencePairs});
 * - `offsets`: as the ICLR-2022 code does, an offset uniform among the `(2·radius+1)² − 1`
 *   window offsets, the partner's row and column clamped at the border ({@link offsetPairs}).
 *   Both agree away from the border.
 */
export type GridPartnerRule = 'window' | 'offsets';

/**
 * Pairs on the grid: `i` uniform, `j` within Chebyshev `radius` of `i` drawn by `partner`
 * (default `window`); `count` distinct pairs.
 */
export function gridNeighbourPairs(options: {
  count: number;
  radius: number;
  partner?: GridPartnerRule;
}): PairStrategy {
  requirePositiveInt(options.count, 'pairs.count');
  requirePositiveInt(options.radius, 'pairs.radius');
  const partner = options.partner ?? 'window';
  requireInput(
    partner === 'window' || partner === 'offsets',
    'pairs.partner',
    `expected 'window' or 'offsets', got '${String(partner)}'`,
  );
  return {
    name: 'grid',
    description:
      partner === 'offsets'
        ? `${options.count} pairs, partner at one of the ${(2 * options.radius + 1) ** 2 - 1} offsets within Chebyshev radius ${options.radius}, clamped at the border (ICLR-2022 code)`
        : `${options.count} pairs within Chebyshev radius ${options.radius} on the grid`,
    // `partner` is recorded only when set, so results of the default strategy keep their parameters.
    parameters: { ...options },
    pairs: ({ players, rng }: PairStrategyContext) => {
      const { rows, cols } = gridOf(players);
      requireInput(
        players.kind !== 'grid' || players.cells === undefined,
        'pairs',
        'grid-neighbourhood pairs need every grid cell to be a player',
      );
      const spec = { rows, cols, radius: options.radius, numPairs: options.count, rng };
      return partner === 'offsets' ? offsetPairs(spec) : referencePairs(spec);
    },
  };
}

/** Every pair `i < j` in lexicographic order (what the exact engine measures). */
export function everyPair(): PairStrategy {
  return {
    name: 'all',
    description: 'every pair of players',
    parameters: {},
    pairs: ({ players }) => {
      const out: PlayerPair[] = [];
      for (let i = 0; i < players.n; i++) for (let j = i + 1; j < players.n; j++) out.push([i, j]);
      return out;
    },
  };
}

/** An explicit list of pairs (checked against `n`). */
export function explicitPairs(list: ReadonlyArray<readonly [number, number]>): PairStrategy {
  requireInput(list.length > 0, 'pairs', 'expected at least one pair');
  return {
    name: 'list',
    description: `${list.length} given pairs`,
    parameters: { list: list.map((p) => [...p]) },
    pairs: ({ players }) =>
      list.map(([a, b], k) => {
        requireInput(
          Number.isInteger(a) &&
            Number.isInteger(b) &&
            a !== b &&
            a >= 0 &&
            b >= 0 &&
            a < players.n &&
            b < players.n,
          `pairs[${k}]`,
          `expected two different players in 0…${players.n - 1}, got [${a}, ${b}]`,
        );
        return [Math.min(a, b), Math.max(a, b)] as PlayerPair;
      }),
  };
}

/** Draws `count` distinct pairs uniformly from `candidates` (all of them when fewer). */
function drawDistinct(candidates: PlayerPair[], count: number | undefined, rng: Rng): PlayerPair[] {
  if (count === undefined || count >= candidates.length) return candidates;
  return rng.sample(candidates, count);
}

/**
 * Pairs of players at most `maxDistance` apart in sequence order (words of a sentence):
 * all of them, or `count` drawn uniformly without replacement.
 */
export function sequencePairs(options: { maxDistance: number; count?: number }): PairStrategy {
  requirePositiveInt(options.maxDistance, 'pairs.maxDistance');
  if (options.count !== undefined) requirePositiveInt(options.count, 'pairs.count');
  return {
    name: 'sequence',
    description: `pairs at most ${options.maxDistance} positions apart${options.count ? `, ${options.count} drawn` : ''}`,
    parameters: { ...options },
    pairs: ({ players, rng }) => {
      const cands: PlayerPair[] = [];
      for (let i = 0; i < players.n; i++)
        for (let j = i + 1; j <= Math.min(players.n - 1, i + options.maxDistance); j++) cands.push([i, j]);
      return drawDistinct(cands, options.count, rng);
    },
  };
}

/**
 * Pairs of each region with its `k` nearest regions by centroid distance (point clouds): the
 * union over regions, deduplicated, then `count` drawn uniformly when given.
 */
export function spatialPairs(options: { k: number; count?: number }): PairStrategy {
  requirePositiveInt(options.k, 'pairs.k');
  if (options.count !== undefined) requirePositiveInt(options.count, 'pairs.count');
  return {
    name: 'spatial',
    description: `each region with its ${options.k} nearest regions${options.count ? `, ${options.count} drawn` : ''}`,
    parameters: { ...options },
    pairs: ({ players, rng }) => {
      requireInput(
        players.kind === 'regions',
        'pairs',
        `spatial pairs need region players, got ${players.kind} players`,
      );
      const c = players.centroids;
      const seen = new Set<number>();
      const cands: PlayerPair[] = [];
      for (let i = 0; i < players.n; i++) {
        const order = Array.from({ length: players.n }, (_, j) => j)
          .filter((j) => j !== i)
          .map((j) => ({
            j,
            d: (c[i][0] - c[j][0]) ** 2 + (c[i][1] - c[j][1]) ** 2 + (c[i][2] - c[j][2]) ** 2,
          }))
          // Ties broken by index so the pairs never depend on sort stability.
          .sort((a, b) => a.d - b.d || a.j - b.j);
        for (const { j } of order.slice(0, options.k)) {
          const a = Math.min(i, j);
          const b = Math.max(i, j);
          if (seen.has(a * players.n + b)) continue;
          seen.add(a * players.n + b);
          cands.push([a, b]);
        }
      }
      cands.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
      return drawDistinct(cands, options.count, rng);
    },
  };
}

/** Number of distinct grid-neighbourhood pairs (re-exported for checks before work). */
export { countNeighbourPairs };

/** A pair strategy as written in options and study files. */
export type PairStrategySpec =
  | { name: 'grid'; count: number; radius: number; partner?: GridPartnerRule }
  | { name: 'all' }
  | { name: 'list'; list: Array<[number, number]> }
  | { name: 'sequence'; maxDistance: number; count?: number }
  | { name: 'spatial'; k: number; count?: number };

/** Builds the strategy a spec names. */
export function pairStrategy(spec: PairStrategySpec): PairStrategy {
  switch (spec.name) {
    case 'grid':
      return gridNeighbourPairs(spec);
    case 'all':
      return everyPair();
    case 'list':
      return explicitPairs(spec.list);
    case 'sequence':
      return sequencePairs(spec);
    case 'spatial':
      return spatialPairs(spec);
    default:
      throw new Error(`unknown pair strategy ${(spec as { name: string }).name}`);
  }
}
