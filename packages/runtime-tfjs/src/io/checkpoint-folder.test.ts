import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInputError } from '@orderlens/core/testing';
import { checkpointSeriesIdentity, readCheckpointFolder, tfjsArchitecture } from './checkpoint-folder.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderlens-checkpoint-folder-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A model.json with a topology only (enough for the folder reader). */
function modelJson(path: string, layerName: string): void {
  writeFileSync(
    path,
    JSON.stringify({
      format: 'layers-model',
      modelTopology: { class_name: 'Sequential', config: { name: layerName, layers: [{ name: layerName }] } },
      weightsManifest: [
        { paths: ['weights.bin'], weights: [{ name: layerName, shape: [3, 2], dtype: 'float32' }] },
      ],
    }),
  );
}

function folder(name: string): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
}

describe('readCheckpointFolder', () => {
  it('finds epoch-<e> entries in epoch order, with architectures that ignore layer names', () => {
    const d = folder('plain');
    for (const e of [10, 2]) {
      mkdirSync(join(d, `epoch-${e}`));
      modelJson(join(d, `epoch-${e}`, 'model.json'), `dense_${e}`);
    }
    writeFileSync(join(d, 'epoch_5.onnx'), 'not read here');
    writeFileSync(join(d, 'notes.txt'), '');
    const list = readCheckpointFolder(d);
    expect(list.map((c) => c.epoch)).toEqual([2, 5, 10]);
    expect(list[1].architecture).toBeUndefined();
    expect(list[0].architecture).toEqual(list[2].architecture);
    expect(tfjsArchitecture(list[0].file)).toEqual({
      topology: { class_name: 'Sequential', config: { layers: [{}] } },
      weights: [[[3, 2], 'float32']],
    });
  });

  it('reads index.json with its losses, and checks it', () => {
    const d = folder('indexed');
    mkdirSync(join(d, 'epoch-0'));
    modelJson(join(d, 'epoch-0', 'model.json'), 'a');
    const index = (checkpoints: unknown[], schema = 'orderlens/checkpoint-index@1') =>
      writeFileSync(join(d, 'index.json'), JSON.stringify({ schema, checkpoints }));
    index([{ epoch: 0, model: 'epoch-0/model.json', trainLoss: 0.5, testLoss: 0.6 }]);
    expect(readCheckpointFolder(d)).toEqual([
      expect.objectContaining({ epoch: 0, losses: { trainLoss: 0.5, testLoss: 0.6 } }),
    ]);
    index([{ epoch: 1, model: 'epoch-1/model.json' }]);
    expect(() => readCheckpointFolder(d)).toThrow(
      /index.json names epoch-1\/model.json \(epoch 1\), which does not exist/,
    );
    index([{ epoch: 0, model: 'epoch-0/model.json' }], 'other');
    expect(() => readCheckpointFolder(d, '--from')).toThrow(
      /--from index.json: expected schema "orderlens\/checkpoint-index@1"/,
    );
  });

  it('refuses missing folders, empty ones and two entries of one epoch', () => {
    expect(() => readCheckpointFolder(join(dir, 'absent'))).toThrow(/--checkpoints: .*absent does not exist/);
    expect(() => readCheckpointFolder(folder('empty'))).toThrow(/holds no checkpoints/);
    const d = folder('twins');
    writeFileSync(join(d, 'epoch-3.onnx'), '');
    writeFileSync(join(d, 'epoch_3.onnx'), '');
    expect(() => readCheckpointFolder(d)).toThrow(/two checkpoints for epoch 3/);
  });

  it('refuses checkpoint names that do not parse, and entries without a model, naming them', () => {
    for (const bad of ['epoch-1e1', 'epoch-1.5', 'epoch-abc']) {
      const d = folder(`bad-${bad}`);
      mkdirSync(join(d, 'epoch-0'));
      modelJson(join(d, 'epoch-0', 'model.json'), 'a');
      mkdirSync(join(d, bad));
      modelJson(join(d, bad, 'model.json'), 'a');
      expectInputError(
        () => readCheckpointFolder(d),
        '--checkpoints',
        new RegExp(
          `^--checkpoints: ${bad.replace('.', '\\.')} in .* is not a checkpoint name: expected epoch-<e> with e a whole number`,
        ),
      );
    }
    const d = folder('no-model');
    mkdirSync(join(d, 'epoch-0'));
    modelJson(join(d, 'epoch-0', 'model.json'), 'a');
    mkdirSync(join(d, 'epoch-5'));
    expectInputError(
      () => readCheckpointFolder(d),
      '--checkpoints',
      /^--checkpoints: epoch-5 in .* holds no model: the folder has no model\.json or model\.onnx/,
    );
    // Names that are not meant as checkpoints are still left alone.
    const ok = folder('other-files');
    mkdirSync(join(ok, 'epoch-0'));
    modelJson(join(ok, 'epoch-0', 'model.json'), 'a');
    writeFileSync(join(ok, 'epochs.csv'), '');
    expect(readCheckpointFolder(ok).map((c) => c.epoch)).toEqual([0]);
  });
});

describe('checkpointSeriesIdentity', () => {
  it('changes with a weight file the manifest names, not only with model.json', () => {
    const d = folder('identity');
    for (const e of [0, 1]) {
      mkdirSync(join(d, `epoch-${e}`));
      modelJson(join(d, `epoch-${e}`, 'model.json'), 'dense');
      writeFileSync(join(d, `epoch-${e}`, 'weights.bin'), Buffer.alloc(24, e));
    }
    const before = checkpointSeriesIdentity(readCheckpointFolder(d));
    expect(before).toHaveLength(2);
    expect(before).toEqual(checkpointSeriesIdentity(readCheckpointFolder(d)));
    writeFileSync(join(d, 'epoch-1', 'weights.bin'), Buffer.alloc(24, 7));
    const after = checkpointSeriesIdentity(readCheckpointFolder(d));
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).not.toEqual(before[1]);
  });
});
