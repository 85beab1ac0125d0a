import {
  float32Tensor,
  requireInput,
  type CoalitionBatch,
  type Masker,
  type NamedTensors,
} from '@orderlens/core';
import type { RegionPlayers } from '@orderlens/core';

/**
 * Where an absent region's points go:
 * - `centroid` (default; the papers' rule, "the average coordinate of the points in each
 *   cluster"): every point of the region moves to the region's centroid;
 * - `centre`: every point moves to the cloud's centre (the mean of all its points);
 * - `drop`: the points are removed — only meaningful for a model that takes a variable number of
 *   points, and refused by {@link checkMasking} otherwise.
 */
export type MaskingRule = 'centroid' | 'centre' | 'drop';

/** The masking rules, for option descriptors. */
export const MASKING_RULES: readonly MaskingRule[] = ['centroid', 'centre', 'drop'];

/**
 * Checks a masking rule against the model's point count. A batch tensor `[batch, N, 3]` has one
 * `N` for every coalition, so dropping points (a different count per coalition) cannot be batched
 * at all; for a fixed-`N` model it would not even run.
 */
export function checkMasking(rule: MaskingRule, modelPoints: number | undefined): void {
  requireInput(
    rule !== 'drop',
    '--masking',
    modelPoints !== undefined
      ? `"drop" needs a model that takes a variable number of points, but this model takes exactly ${modelPoints}; use centroid or centre`
      : '"drop" gives every coalition a different point count, which one [batch, N, 3] tensor cannot hold; use centroid or centre',
  );
}

/** Options of {@link RegionMasker}. */
export interface RegionMaskerOptions {
  /** Absent-region rule (default `centroid`; `drop` is refused, see {@link checkMasking}). */
  readonly absent?: MaskingRule;
  /** Model input name (default `points`). */
  readonly inputName?: string;
}

/**
 * Masks one point cloud by regions: for each coalition, points of present player regions keep
 * their coordinates, points of absent ones move to their region's centroid (or the cloud's
 * centre), points of non-player regions never move. The output is `points: float32 [batch, N, 3]`.
 *
 * One buffer per batch, never per coalition (the Evaluator prepares batch k+1 while batch k runs,
 * so buffers are not reused across calls). The inner loop is branch-free: each point has two
 * candidate positions, `absent` then `present`, and the coalition bit of its player picks one.
 */
export class RegionMasker implements Masker {
  readonly n: number;
  /** Points per cloud. */
  readonly points: number;
  readonly inputName: string;
  /** Per point: 3 absent coordinates, then 3 present ones. */
  private readonly choice: Float32Array;
  /** Per point: the player whose bit decides it (player 0 for never-masked points, which hold the same value twice). */
  private readonly bitPlayer: Int32Array;

  constructor(positions: Float32Array, players: RegionPlayers, options: RegionMaskerOptions = {}) {
    const rule = options.absent ?? 'centroid';
    checkMasking(rule, undefined);
    const N = positions.length / 3;
    requireInput(
      Number.isInteger(N) && N > 0,
      'points',
      `expected x y z triples, got ${positions.length} values`,
    );
    requireInput(
      players.n > 0 && players.n <= players.pointIndices.length,
      'players',
      'region players hold no regions',
    );
    this.n = players.n;
    this.points = N;
    this.inputName = options.inputName ?? 'points';
    this.choice = new Float32Array(6 * N);
    this.bitPlayer = new Int32Array(N);
    for (let i = 0; i < N; i++)
      for (let d = 0; d < 3; d++) {
        this.choice[6 * i + d] = positions[3 * i + d];
        this.choice[6 * i + 3 + d] = positions[3 * i + d];
      }
    const centre = [0, 0, 0];
    for (let i = 0; i < N; i++) for (let d = 0; d < 3; d++) centre[d] += positions[3 * i + d];
    const owner = new Int32Array(N).fill(-1);
    players.pointIndices.forEach((idx, j) => {
      const target = rule === 'centroid' ? players.centroids[j] : centre.map((c) => c / N);
      for (const i of idx) {
        requireInput(
          Number.isInteger(i) && i >= 0 && i < N,
          'players',
          `point index ${i} out of range [0, ${N})`,
        );
        requireInput(owner[i] < 0, 'players', `point ${i} belongs to players ${owner[i]} and ${j}`);
        owner[i] = j;
        this.bitPlayer[i] = j;
        for (let d = 0; d < 3; d++) this.choice[6 * i + d] = target[d];
      }
    });
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    requireInput(batch.n === this.n, 'coalitions', `are over ${batch.n} players, the masker has ${this.n}`);
    const N = this.points;
    const rows = end - start;
    const out = new Float32Array(rows * N * 3);
    const { words, data } = batch;
    const choice = this.choice;
    const player = this.bitPlayer;
    for (let k = 0; k < rows; k++) {
      const base = (start + k) * words;
      const o = k * N * 3;
      for (let i = 0; i < N; i++) {
        const p = player[i];
        const c = 6 * i + 3 * ((data[base + (p >>> 5)] >>> (p & 31)) & 1);
        out[o + 3 * i] = choice[c];
        out[o + 3 * i + 1] = choice[c + 1];
        out[o + 3 * i + 2] = choice[c + 2];
      }
    }
    return { [this.inputName]: float32Tensor(out, [rows, N, 3]) };
  }
}
