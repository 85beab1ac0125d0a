import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { activeTfjsBackend, initTfjs, tfjsBackendLabel } from './init-tfjs.js';

const resolvable = (pkg: string): boolean => {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const hasNode = resolvable('@tensorflow/tfjs-node');
const hasNodeGpu = resolvable('@tensorflow/tfjs-node-gpu');

describe('initTfjs', () => {
  it('picks the first available backend of the default order and runs ops on it', async () => {
    const name = await initTfjs();
    const expected = hasNodeGpu ? 'node-gpu' : hasNode ? 'node' : 'wasm';
    expect(name).toBe(expected);
    expect(activeTfjsBackend()).toBe(expected);
    expect(tfjsBackendLabel()).toBe(expected);
    const y = tf.tidy(() =>
      tf
        .matMul(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
          tf.tensor2d([[5], [6]]),
        )
        .dataSync(),
    );
    expect(Array.from(y)).toEqual([17, 39]);
  });

  it('falls back past a missing optional backend', async () => {
    const name = await initTfjs(['node', 'cpu']);
    expect(name).toBe(hasNode ? 'node' : 'cpu');
    expect(tf.getBackend()).toBe(hasNode ? 'tensorflow' : 'cpu');
  });

  it.skipIf(hasNode)('throws naming the package when a missing backend is required', async () => {
    const err = await initTfjs(['node', 'cpu'], { require: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderlensInputError);
    expect((err as Error).message).toMatch(/'node'.*@tensorflow\/tfjs-node/);
  });

  it('loads the wasm backend from an explicit directory', async () => {
    const dir = createRequire(import.meta.url)
      .resolve('@tensorflow/tfjs-backend-wasm')
      .replace(/[^/\\]+$/, '');
    const logs: string[] = [];
    expect(await initTfjs(['wasm'], { require: true, wasmPaths: dir, log: (m) => logs.push(m) })).toBe(
      'wasm',
    );
    expect(tf.getBackend()).toBe('wasm');
    expect(logs.at(-1)).toMatch(/using backend 'wasm'/);
  });

  it('rejects unknown names and empty lists', async () => {
    await expect(initTfjs(['cuda' as never])).rejects.toThrow(/unknown tfjs backend 'cuda'/);
    await expect(initTfjs([])).rejects.toThrow(/preference/);
  });
});
