import { CoalitionBatch } from '@orderlens/core';
import { describe, expect, it } from 'vitest';
import { buildRegionPlayers } from '../players/region-players.js';
import { monitorRegions } from '../test-utils/monitor-regions.js';
import { checkMasking, RegionMasker } from './region-masker.js';

const { cloud, players } = monitorRegions();

describe('RegionMasker', () => {
  it('absent regions hold their centroid exactly; everything else the original points', () => {
    const masker = new RegionMasker(cloud.positions, players.descriptor);
    const masks = [0, 1023, 0b1010011001, 0b0101100110, 1 << 9];
    const batch = CoalitionBatch.fromMasks(10, masks);
    const t = masker.mask(batch, 1, 5).points;
    expect(t.dims).toEqual([4, 1024, 3]);
    const owner = new Int32Array(1024).fill(-1);
    players.descriptor.pointIndices.forEach((idx, j) => idx.forEach((i) => (owner[i] = j)));
    masks.slice(1, 5).forEach((m, k) => {
      for (let i = 0; i < 1024; i++) {
        const got = Array.from(t.data.subarray((k * 1024 + i) * 3, (k * 1024 + i) * 3 + 3) as Float32Array);
        const j = owner[i];
        const expected =
          j >= 0 && ((m >>> j) & 1) === 0
            ? players.descriptor.centroids[j]
            : Array.from(cloud.positions.subarray(3 * i, 3 * i + 3));
        expect(got).toEqual([...expected]);
      }
    });
  });

  it('centre rule moves absent points to the cloud mean; drop is refused naming the model N', () => {
    const masker = new RegionMasker(cloud.positions, players.descriptor, {
      absent: 'centre',
      inputName: 'x',
    });
    const out = masker.mask(CoalitionBatch.fromMasks(10, [0]), 0, 1).x.data as Float32Array;
    const i = players.descriptor.pointIndices[0][0];
    expect(Math.abs(out[3 * i])).toBeLessThan(1e-6);
    expect(() => checkMasking('drop', 1024)).toThrow(
      /--masking: "drop" needs a model that takes a variable number of points, but this model takes exactly 1024/,
    );
    expect(() => new RegionMasker(cloud.positions, players.descriptor, { absent: 'drop' })).toThrow(
      /--masking/,
    );
  });

  it('works for n > 32 players (multi-word coalitions)', () => {
    const many = buildRegionPlayers(cloud, { regions: 40, players: 40, rule: 'largest', seed: 1, key: 'm' });
    const masker = new RegionMasker(cloud.positions, many.descriptor);
    const b = new CoalitionBatch(40, 1);
    b.pushPlayers([35]);
    const out = masker.mask(b, 0, 1).points.data as Float32Array;
    const inside = many.descriptor.pointIndices[35][0];
    expect(out[3 * inside]).toBe(cloud.positions[3 * inside]);
    const outside = many.descriptor.pointIndices[3][0];
    expect(out[3 * outside]).toBe(many.descriptor.centroids[3][0]);
  });
});
