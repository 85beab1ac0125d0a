/**
 * The parts of the distributed runner that need no Redis: payload validation, the worker's
 * roots, write-once units and the warm-model map.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { tempDir } from '@orderlens/core/testing';
import { jobId, parseJobPayload, runKey } from './jobs.js';
import { parseRedisUrl } from './redis.js';
import { WorkerRoots } from './roots.js';
import { WarmModels } from './warm-models.js';
import { writeJsonOnce } from './write-once.js';

const tmp = tempDir('orderlens-distributed-units-');
afterAll(() => tmp.cleanup());
const hash = 'a'.repeat(64);

describe('job payloads', () => {
  it('accepts the two kinds and refuses anything else', () => {
    const sample = { kind: 'sample', studyDir: '/s', studyHash: hash, modelId: 'm.seed-1', sampleIndex: 3 };
    expect(parseJobPayload('sample', sample)).toEqual(sample);
    expect(
      parseJobPayload('selection', { kind: 'selection', studyDir: '/s', studyHash: hash, modelId: 'm' }).kind,
    ).toBe('selection');
    expect(() => parseJobPayload('shell', { kind: 'shell', cmd: 'rm -rf /' })).toThrow(
      /unknown job kind "shell"/,
    );
    expect(() => parseJobPayload('sample', { ...sample, extra: 1 })).toThrow(OrderlensInputError);
    expect(() => parseJobPayload('sample', { ...sample, sampleIndex: -1 })).toThrow(/job.sampleIndex/);
    expect(() => parseJobPayload('sample', { ...sample, modelId: '../x' })).toThrow(/job.modelId/);
    expect(() => parseJobPayload('sample', { ...sample, studyHash: 'x' })).toThrow(/job.studyHash/);
    expect(() => parseJobPayload('selection', sample)).toThrow(OrderlensInputError);
  });

  it('gives fixed job ids without ":" per study folder', () => {
    const k = runKey(hash, '/shared/a');
    expect(k).not.toBe(runKey(hash, '/shared/b'));
    expect(jobId(k, { modelId: 'm', sampleIndex: 2 })).toBe(`${k}.m.2`);
    expect(jobId(k, { modelId: 'm' })).toBe(`${k}.m.selection`);
    expect(jobId(k, { modelId: 'm' })).not.toContain(':');
  });

  it('checks Redis URLs', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(() => parseRedisUrl('http://x')).toThrow(/--redis/);
    expect(() => parseRedisUrl('nonsense')).toThrow(/--redis/);
    expect(() => parseRedisUrl('redis://h:1/x')).toThrow(/database number/);
  });
});

describe('worker roots', () => {
  const root = join(tmp.dir, 'root');
  const outside = join(tmp.dir, 'outside');
  mkdirSync(join(root, 'study'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret'), 'x');
  symlinkSync(outside, join(root, 'escape'));
  const roots = new WorkerRoots([root]);

  it('resolves paths inside a root and refuses escapes', () => {
    expect(roots.resolve('study', 'job.studyDir')).toBe(join(roots.dirs[0], 'study'));
    expect(roots.resolve(join(root, 'study'), 'job.studyDir')).toBe(join(roots.dirs[0], 'study'));
    for (const bad of ['../../etc/passwd', '/etc/passwd', join(outside, 'secret'), 'escape/secret'])
      expect(() => roots.resolve(bad, 'job.studyDir'), bad).toThrow(
        /outside the folders this worker may read/,
      );
  });

  it('needs at least one existing folder', () => {
    expect(() => new WorkerRoots([])).toThrow(/--root/);
    expect(() => new WorkerRoots([join(tmp.dir, 'missing')])).toThrow(/not a folder/);
  });
});

describe('writeJsonOnce', () => {
  it('writes a unit once; a second writer leaves the first file as is', () => {
    const p = join(tmp.dir, 'units', 'sample-0.json');
    expect(writeJsonOnce(p, { v: new Float64Array([1, 2]) })).toBe(true);
    expect(writeJsonOnce(p, { v: [3] })).toBe(false);
    expect(JSON.parse(readFileSync(p, 'utf8'))).toEqual({ v: [1, 2] });
  });
});

describe('WarmModels', () => {
  it('opens each key once, runs jobs of one key one after another, evicts the least recently used', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const warm = new WarmModels<{ key: string; dispose(): Promise<void> }>(2);
    const open = (key: string) => async () => {
      opened.push(key);
      return { key, dispose: async () => void closed.push(key) };
    };
    let running = 0;
    let most = 0;
    const job = (key: string) =>
      warm.use(key, open(key), async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return key;
      });
    expect(await Promise.all([job('a'), job('a'), job('a')])).toEqual(['a', 'a', 'a']);
    expect(most).toBe(1);
    await job('b');
    await job('c');
    expect(opened).toEqual(['a', 'b', 'c']);
    expect(closed).toEqual(['a']);
    await expect(
      warm.use(
        'bad',
        () => Promise.reject(new Error('broken')),
        async () => 1,
      ),
    ).rejects.toThrow('broken');
    expect(warm.keys()).not.toContain('bad');
    await warm.dispose();
    expect(closed.sort()).toEqual(['a', 'b', 'c']);
  });
});
