import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { CIFAR10_CLASSES, cifar10DataDir, loadCifar10Subset, readCifarBinary } from './cifar.js';
import { datasetChannelMean, datasetImage, subsetDataset } from './dataset.js';
import { readImageFolder } from './folder.js';
import { loadFashionMnist, readIdxImages, readIdxLabels } from './idx.js';

const repoRoot = new URL('../../../../', import.meta.url);

describe('CIFAR-10 binary reader', () => {
  it('reads the shipped test subset: 1,000 records, round-robin labels, published sha256', () => {
    const raw = gunzipSync(readFileSync(join(cifar10DataDir(), 'test_subset.bin.gz')));
    expect(createHash('sha256').update(raw).digest('hex')).toBe(
      'ae55f8b4a36f2d326419148653e2bb66143ce7be89a030b1cfbf84f612bd109b',
    );
    const ds = loadCifar10Subset('test');
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([1000, 32, 32, 3]);
    expect(Array.from(ds.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(ds.classNames).toEqual(CIFAR10_CLASSES);
    expect(readFileSync(join(cifar10DataDir(), 'batches.meta.txt'), 'utf8').trim().split('\n')).toEqual([
      ...CIFAR10_CLASSES,
    ]);
    // Planar R, G, B in the file become interleaved HWC bytes.
    const rec = 7;
    const img = datasetImage(ds, rec);
    for (const p of [0, 31, 500, 1023]) {
      for (let c = 0; c < 3; c++) expect(img.data[p * 3 + c]).toBe(raw[rec * 3073 + 1 + c * 1024 + p]);
    }
    const mean = datasetChannelMean(ds);
    const overall = (mean[0] + mean[1] + mean[2]) / 3;
    expect(overall).toBeGreaterThan(110);
    expect(overall).toBeLessThan(132);
  });

  it('reads the train subset (2,000, balanced) and rejects truncated files', () => {
    const tr = loadCifar10Subset('train', { limit: 20 });
    expect(tr.count).toBe(20);
    expect(Array.from(tr.labels.subarray(10, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => readCifarBinary(new Uint8Array(3074))).toThrow(OrderlensInputError);
    expect(() => readCifarBinary(new Uint8Array(3073).fill(12))).toThrow(/label 12/);
  });
});

describe('IDX reader', () => {
  function idx(magic: number, dims: number[], body: number[]): Uint8Array {
    const head = Buffer.alloc(4 + 4 * dims.length);
    head.writeUInt32BE(magic, 0);
    dims.forEach((d, k) => head.writeUInt32BE(d, 4 + 4 * k));
    return new Uint8Array(Buffer.concat([head, Buffer.from(body)]));
  }

  it('reads images and labels, gzipped or not', () => {
    const body = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 5);
    const img = readIdxImages(gzipSync(idx(0x803, [2, 3, 4], body)));
    expect([img.count, img.height, img.width]).toEqual([2, 3, 4]);
    expect(Array.from(img.pixels)).toEqual(body);
    expect(Array.from(readIdxLabels(idx(0x801, [3], [9, 0, 4])))).toEqual([9, 0, 4]);
    expect(() =>
      readIdxImages(
        idx(
          0x801,
          [3, 1, 1],
          Array.from({ length: 8 }, () => 1),
        ),
      ),
    ).toThrow(/images: .*magic/);
    expect(() => readIdxImages(idx(0x803, [2, 3, 4], body.slice(1)))).toThrow(/promises/);
  });

  it('loads the Fashion-MNIST test subset of the repo fixtures', () => {
    const dir = new URL('packages/vision/data/fashion-mnist', repoRoot).pathname;
    const ds = loadFashionMnist(dir, 'test', { limit: 100 });
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([100, 28, 28, 1]);
    // First test labels of Fashion-MNIST: Ankle boot, Pullover, Trouser, Trouser, Shirt.
    expect(Array.from(ds.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
    expect(() => loadFashionMnist(dir, 'train')).toThrow(/dataset: no train-images/);
  });
});

describe('image folder reader', () => {
  it('reads class subfolders in sorted order with exact PNG pixels, and names bad files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'orderlens-folder-'));
    const make = (seed: number) =>
      Uint8Array.from({ length: 6 * 5 * 3 }, (_, i) => (i * 37 + seed * 11) % 256);
    for (const [cls, files] of [
      ['zebra', ['b.png', 'a.png']],
      ['ant', ['x.png']],
    ] as const) {
      mkdirSync(join(root, cls));
      for (const [k, f] of files.entries()) {
        const px = make(cls.length * 10 + k);
        await sharp(Buffer.from(px), { raw: { width: 5, height: 6, channels: 3 } })
          .png()
          .toFile(join(root, cls, f));
      }
    }
    writeFileSync(join(root, 'ant', 'notes.txt'), 'ignored');
    const ds = await readImageFolder(root);
    expect(ds.classNames).toEqual(['ant', 'zebra']);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1]);
    expect(ds.sources!.map((s) => s.slice(root.length + 1))).toEqual([
      'ant/x.png',
      'zebra/a.png',
      'zebra/b.png',
    ]);
    expect(Array.from(datasetImage(ds, 1).data)).toEqual(Array.from(make(51)));
    const sub = subsetDataset(ds, [2]);
    expect(Array.from(sub.images)).toEqual(Array.from(make(50)));

    const resized = await readImageFolder(root, { resize: { width: 4, height: 3 }, channels: 1 });
    expect([resized.height, resized.width, resized.channels]).toEqual([3, 4, 1]);

    writeFileSync(join(root, 'zebra', 'c.png'), 'not a png at all');
    await expect(readImageFolder(root)).rejects.toThrow(/image: cannot read .*c\.png/);
  });
});
