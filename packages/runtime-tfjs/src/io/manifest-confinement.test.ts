import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderlensInputError } from '@orderlens/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { initTfjs } from '../backend/init-tfjs.js';
import { buildMlp } from '../models/build-mlp.js';
import { loadLayersModel, saveLayersModel } from './model-files.js';

// Every path the loader opens, so a test can assert that a refused shard was never read.
const opened = vi.hoisted(() => [] as string[]);
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const record =
    <F extends (...a: never[]) => unknown>(f: F) =>
    (...a: Parameters<F>) => {
      opened.push(String(a[0]));
      return f(...a);
    };
  const mocked = {
    ...fs,
    readFileSync: record(fs.readFileSync as (...a: never[]) => unknown),
    openSync: record(fs.openSync as (...a: never[]) => unknown),
    createReadStream: record(fs.createReadStream as (...a: never[]) => unknown),
  };
  return { ...mocked, default: mocked };
});

let base: string;
let modelDir: string;
let jsonPath: string;
let outsideShard: string;
let manifestJson: Record<string, unknown>;

beforeAll(async () => {
  await initTfjs(['wasm', 'cpu']);
  base = realpathSync(mkdtempSync(join(tmpdir(), 'orderlens-tfjs-confine-')));
  modelDir = join(base, 'model');
  const model = buildMlp({ inputDim: 3, hidden: 4, layers: 2, classes: 2, seed: 5 });
  jsonPath = await saveLayersModel(model, modelDir);
  model.dispose();
  // The outside file is a valid shard: if the loader read it, the load would succeed, so a
  // refusal can only come from the confinement check.
  mkdirSync(join(base, 'outside'));
  outsideShard = join(base, 'outside', 'group1-shard1of1.bin');
  renameSync(join(modelDir, 'weights.bin'), outsideShard);
  manifestJson = JSON.parse(readFileSync(jsonPath, 'utf8')) as Record<string, unknown>;
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeEach(() => {
  opened.length = 0;
});

function withShardPath(path: string): void {
  const m = structuredClone(manifestJson) as { weightsManifest: Array<{ paths: string[] }> };
  m.weightsManifest[0].paths = [path];
  writeFileSync(jsonPath, JSON.stringify(m));
}

async function expectRefused(target: RegExp): Promise<void> {
  const err = await loadLayersModel(jsonPath).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OrderlensInputError);
  expect((err as OrderlensInputError).field).toBe('weightsManifest[0].paths[0]');
  expect((err as Error).message).toMatch(target);
  expect((err as Error).message).toContain(`outside the model folder ${modelDir}`);
  expect(opened).toContain(jsonPath); // the spy works: model.json itself was read
  expect(opened.filter((p) => !p.startsWith(modelDir + '/') && p !== jsonPath)).toEqual([]);
  expect(opened).not.toContain(outsideShard);
}

describe('weight shards are confined to the model folder', () => {
  it('refuses ../outside/… before opening it', async () => {
    withShardPath('../outside/group1-shard1of1.bin');
    await expectRefused(
      /"\.\.\/outside\/group1-shard1of1\.bin" resolves to .*outside\/group1-shard1of1\.bin/,
    );
  });

  it('refuses ../../../../../../etc/passwd', async () => {
    withShardPath('../../../../../../etc/passwd');
    await expectRefused(/resolves to \/etc\/passwd/);
    expect(opened).not.toContain('/etc/passwd');
  });

  it('refuses an absolute path outside', async () => {
    withShardPath(outsideShard);
    await expectRefused(/resolves to .*outside\/group1-shard1of1\.bin/);
  });

  it('refuses a symlink inside the folder that points out', async () => {
    symlinkSync(outsideShard, join(modelDir, 'link.bin'));
    withShardPath('link.bin');
    await expectRefused(/"link\.bin" resolves to .*outside\/group1-shard1of1\.bin/);
    rmSync(join(modelDir, 'link.bin'));
  });

  it('still loads shards in a subfolder of the model folder', async () => {
    mkdirSync(join(modelDir, 'shards'), { recursive: true });
    copyFileSync(outsideShard, join(modelDir, 'shards', 'w.bin'));
    withShardPath('./shards/w.bin');
    const model = await loadLayersModel(jsonPath);
    expect(model.getWeights().length).toBeGreaterThan(0);
    expect(opened).toContain(join(modelDir, 'shards', 'w.bin'));
    model.dispose();
  });
});
