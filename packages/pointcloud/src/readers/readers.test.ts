import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrderlensInputError, Rng } from '@orderlens/core';
import { tempDir } from '@orderlens/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeCloud } from '../cloud/point-cloud.js';
import { FIXTURES, PCD_DIR } from '../test-utils/paths.js';
import { loadModelNet10 } from './modelnet10.js';
import { readOffMesh, sampleSurface } from './off.js';
import { readCloudFile } from './read-cloud.js';
import { loadShapeNetPart } from './shapenet-part.js';

const tmp = tempDir('orderlens-pc-');
afterAll(() => tmp.cleanup());

const chair = () => readCloudFile(join(PCD_DIR, 'chair_0890.pcd'));

describe('readers on real files', () => {
  it('binary PCD equals its record of the packed ModelNet10 test split', () => {
    const test = loadModelNet10('test');
    expect(test.clouds).toHaveLength(200);
    expect(test.pointsPerCloud).toBe(1024);
    for (const [file, row] of [
      ['chair_0890.pcd', 40],
      ['monitor_0466.pcd', 100],
      ['toilet_0345.pcd', 180],
    ] as const) {
      const c = readCloudFile(join(PCD_DIR, file));
      expect(c.count).toBe(1024);
      expect(Array.from(c.positions)).toEqual(Array.from(test.clouds[row].positions));
      expect(test.files[row]).toContain(file);
    }
    expect(test.labels[40]).toBe(2);
  });

  it.each(['chair_0890.ply', 'chair_0890_ascii.ply', 'chair_0890.xyz', 'chair_0890_ascii.pcd'])(
    '%s holds the same points as the binary PCD',
    (name) => {
      const c = readCloudFile(join(FIXTURES, name));
      expect(Array.from(c.positions)).toEqual(Array.from(chair().positions));
    },
  );

  it('OFF: vertices and quads read, surface samples lie on the faces in proportion to area, seeded', () => {
    const mesh = readOffMesh(readFileSync(join(FIXTURES, 'box_2x3x4.off'), 'utf8'), 'box');
    expect(mesh.vertices.length).toBe(24);
    expect(mesh.triangles.length).toBe(36);
    const cloud = sampleSurface(mesh, 6000, Rng.create(1));
    const onFace = { x: 0, y: 0, z: 0 };
    const eps = 1e-5;
    for (let i = 0; i < cloud.count; i++) {
      const [x, y, z] = cloud.positions.subarray(3 * i, 3 * i + 3);
      const ox = Math.abs(x) < eps || Math.abs(x - 2) < eps;
      const oy = Math.abs(y) < eps || Math.abs(y - 3) < eps;
      const oz = Math.abs(z) < eps || Math.abs(z - 4) < eps;
      expect(ox || oy || oz).toBe(true);
      if (ox) onFace.x++;
      else if (oy) onFace.y++;
      else onFace.z++;
    }
    // Areas: x-faces 2·12, y-faces 2·8, z-faces 2·6 of 52 in all.
    expect(onFace.x / 6000).toBeCloseTo(24 / 52, 1);
    expect(onFace.y / 6000).toBeCloseTo(16 / 52, 1);
    expect(onFace.z / 6000).toBeCloseTo(12 / 52, 1);
    const again = readCloudFile(join(FIXTURES, 'box_2x3x4.off'), { surfacePoints: 100, seed: 3 });
    expect(again.count).toBe(100);
    expect(readCloudFile(join(FIXTURES, 'box_2x3x4.off'), { surfacePoints: 100, seed: 3 }).positions).toEqual(
      again.positions,
    );
    expect(
      readCloudFile(join(FIXTURES, 'box_2x3x4.off'), { surfacePoints: 100, seed: 4 }).positions,
    ).not.toEqual(again.positions);
  });

  it('ShapeNet-Part sample: 16 shapes with aligned part labels', () => {
    const s = loadShapeNetPart();
    expect(s.clouds).toHaveLength(16);
    expect(s.classes[0]).toBe('Airplane');
    for (const c of s.clouds) {
      expect(c.count).toBeGreaterThanOrEqual(2209);
      expect(c.parts?.length).toBe(c.count);
    }
  });

  it('normalizeCloud centres at the mean and scales to max norm 1', () => {
    const { cloud } = normalizeCloud(chair());
    let mx = 0,
      r = 0;
    for (let i = 0; i < cloud.count; i++) {
      mx += cloud.positions[3 * i];
      r = Math.max(r, Math.hypot(...cloud.positions.subarray(3 * i, 3 * i + 3)));
    }
    expect(Math.abs(mx / cloud.count)).toBeLessThan(1e-6);
    expect(r).toBeCloseTo(1, 6);
  });
});

describe('readers refuse bad files, naming them', () => {
  const expectError = (fn: () => unknown, file: string, pattern: RegExp) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(OrderlensInputError);
      expect((e as OrderlensInputError).field).toBe(file);
      expect((e as Error).message).toMatch(pattern);
      return;
    }
    throw new Error('expected an error');
  };

  it('NaN coordinates', () => {
    const f = tmp.file('nan.xyz', '0 0 0\n1 nan 2\n');
    expectError(() => readCloudFile(f), f, /line 2: y is "nan"/);
    const p = tmp.file(
      'nan.pcd',
      'VERSION 0.7\nFIELDS x y z\nSIZE 4 4 4\nTYPE F F F\nCOUNT 1 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS 2\nDATA ascii\n0 0 0\n1 nan 2\n',
    );
    expectError(() => readCloudFile(p), p, /point 1 has a non-finite coordinate/);
  });

  it('a truncated binary PCD', () => {
    const f = join(tmp.dir, 'short.pcd');
    writeFileSync(f, readFileSync(join(PCD_DIR, 'chair_0890.pcd')).subarray(0, 6000));
    expectError(
      () => readCloudFile(f),
      f,
      /truncated: the header promises 1024 points of 12 bytes \(12458 bytes in all\), the file has 6000/,
    );
  });

  it('a truncated binary PLY and an ASCII PLY with missing lines', () => {
    const f = join(tmp.dir, 'short.ply');
    writeFileSync(f, readFileSync(join(FIXTURES, 'chair_0890.ply')).subarray(0, 5000));
    expectError(() => readCloudFile(f), f, /truncated/);
    const g = join(tmp.dir, 'short_ascii.ply');
    writeFileSync(
      g,
      readFileSync(join(FIXTURES, 'chair_0890_ascii.ply'), 'utf8').split('\n').slice(0, 100).join('\n'),
    );
    expectError(() => readCloudFile(g), g, /declares 1024 vertices but the body holds/);
  });

  it('an unknown format, an empty file, a truncated OFF', () => {
    const f = tmp.file('cloud.obj', 'v 0 0 0\n');
    expectError(() => readCloudFile(f), f, /unknown point-cloud format "\.obj"/);
    const e = tmp.file('empty.xyz', '\n# nothing\n');
    expectError(() => readCloudFile(e), e, /holds no points/);
    const o = tmp.file('short.off', 'OFF\n8 6 0\n0 0 0\n1 0 0\n');
    expectError(() => readCloudFile(o), o, /truncated: it declares 8 vertices and 6 faces/);
  });
});
