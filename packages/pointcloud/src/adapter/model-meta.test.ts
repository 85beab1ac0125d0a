import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { OpenedModel } from '@orderlens/core';
import { tempDir } from '@orderlens/core/testing';
import { pointModelInfo } from './model-meta.js';

const tmp = tempDir('orderlens-pointmeta-');
afterAll(() => tmp.cleanup());

it('refuses a meta.json symlinked out of the model folder, and a symlink loop, before reading it', () => {
  const dir = join(tmp.dir, 'model');
  mkdirSync(dir);
  writeFileSync(join(tmp.dir, 'secret.json'), '{"numPoints": 3}');
  symlinkSync(join(tmp.dir, 'secret.json'), join(dir, 'meta.json'));
  const model = {
    dir,
    file: join(dir, 'model.onnx'),
    inputs: [],
    runner: { inputNames: [] },
  } as unknown as OpenedModel;
  expect(() => pointModelInfo(model)).toThrow(
    /^meta\.json: "meta\.json" resolves to \S*secret\.json, outside the model folder/,
  );
  const loopDir = join(tmp.dir, 'loop');
  mkdirSync(loopDir);
  symlinkSync(join(loopDir, 'meta.json'), join(loopDir, 'meta.json'));
  expect(() => pointModelInfo({ ...model, dir: loopDir })).toThrow(
    /meta\.json: \S*meta\.json is a symbolic link loop/,
  );
});
