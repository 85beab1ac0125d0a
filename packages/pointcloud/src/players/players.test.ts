import { join } from 'node:path';
import { OrderlensInputError, Rng } from '@orderlens/core';
import { describe, expect, it } from 'vitest';
import { makeCloud, normalizeCloud } from '../cloud/point-cloud.js';
import { readCloudFile } from '../readers/read-cloud.js';
import { PCD_DIR } from '../test-utils/paths.js';
import { choosePlayers } from './choose-players.js';
import { seededKmeans } from './kmeans.js';
import { buildRegionPlayers } from './region-players.js';

const chair = normalizeCloud(readCloudFile(join(PCD_DIR, 'chair_0890.pcd'))).cloud;

describe('seeded k-means', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = seededKmeans(chair.positions, 30, Rng.create(7));
    const b = seededKmeans(chair.positions, 30, Rng.create(7));
    const c = seededKmeans(chair.positions, 30, Rng.create(8));
    expect(Array.from(a.assignment)).toEqual(Array.from(b.assignment));
    expect(Array.from(a.centroids)).toEqual(Array.from(b.centroids));
    expect(Array.from(a.assignment)).not.toEqual(Array.from(c.assignment));
  });

  it('covers every point exactly once, every region non-empty, centroids are region means', () => {
    const r = seededKmeans(chair.positions, 30, Rng.create(1));
    expect(r.assignment.length).toBe(1024);
    const seen = new Int32Array(30);
    for (const a of r.assignment) {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThan(30);
      seen[a]++;
    }
    expect(Array.from(seen)).toEqual(Array.from(r.sizes));
    expect(seen.every((s) => s > 0)).toBe(true);
    expect(seen.reduce((s, x) => s + x, 0)).toBe(1024);
    // Each point's region centroid is its nearest (Lloyd converged) or nearly so.
    let sx = 0;
    for (let i = 0; i < 1024; i++) if (r.assignment[i] === 0) sx += chair.positions[3 * i];
    expect(r.centroids[0]).toBeCloseTo(sx / r.sizes[0], 12);
  });

  it('the players descriptor partitions the player regions’ points', () => {
    const p = buildRegionPlayers(chair, { regions: 30, players: 10, rule: 'random', seed: 0, key: 'chair' });
    expect(p.descriptor.n).toBe(10);
    const all = p.descriptor.pointIndices.flat();
    expect(new Set(all).size).toBe(all.length);
    p.descriptor.pointIndices.forEach((idx, j) => {
      expect(idx.length).toBe(p.regions.sizes[p.playerRegions[j]]);
      for (const i of idx) expect(p.regions.assignment[i]).toBe(p.playerRegions[j]);
    });
    const again = buildRegionPlayers(chair, {
      regions: 30,
      players: 10,
      rule: 'random',
      seed: 0,
      key: 'chair',
    });
    expect(again.descriptor).toEqual(p.descriptor);
  });

  it('player rules: largest takes the biggest regions, spread n distinct, random seeded', () => {
    const r = seededKmeans(chair.positions, 30, Rng.create(1));
    const largest = choosePlayers(r, 10, 'largest', Rng.create(0));
    const minChosen = Math.min(...largest.map((x) => r.sizes[x]));
    const others = Array.from(r.sizes).filter((_, x) => !largest.includes(x));
    expect(Math.max(...others)).toBeLessThanOrEqual(minChosen);
    expect(new Set(choosePlayers(r, 10, 'spread', Rng.create(0))).size).toBe(10);
    expect(choosePlayers(r, 10, 'random', Rng.create(3))).toEqual(
      choosePlayers(r, 10, 'random', Rng.create(3)),
    );
  });

  it('refuses fewer points than regions, duplicate-only clouds and too many players', () => {
    const small = makeCloud(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), 'small.xyz');
    expect(() => seededKmeans(small.positions, 30, Rng.create(0), { source: 'small.xyz' })).toThrow(
      /small.xyz: has 3 points, fewer than the 30 regions asked for \(--regions\)/,
    );
    const dup = makeCloud(new Float32Array(30).fill(1), 'dup.xyz');
    expect(() => seededKmeans(dup.positions, 4, Rng.create(0), { source: 'dup.xyz' })).toThrow(
      /only 1 distinct points/,
    );
    const r = seededKmeans(chair.positions, 5, Rng.create(0));
    expect(() => choosePlayers(r, 10, 'random', Rng.create(0))).toThrow(OrderlensInputError);
  });
});
