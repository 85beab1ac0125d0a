import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expectInputError } from '@orderlens/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { materializeNsfwjs } from './nsfwjs.js';

// A stand-in for the nsfwjs package (same layout: dist/cjs/index.js, dist/models/<variant>/),
// whose manifest the tests rewrite, so confinement is tested without the real 9 MB of weights.
let base: string;
let caller: string;
let modelsDir: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'orderlens-nsfwjs-')));
  const pkg = join(base, 'node_modules', 'nsfwjs');
  modelsDir = join(pkg, 'dist', 'models', 'mobilenet_v2');
  mkdirSync(join(pkg, 'dist', 'cjs'), { recursive: true });
  mkdirSync(modelsDir, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'nsfwjs', main: 'dist/cjs/index.js' }));
  writeFileSync(join(pkg, 'dist', 'cjs', 'index.js'), 'module.exports = {};');
  writeFileSync(
    join(modelsDir, 'group1-shard1of1.min.js'),
    `module.exports = ${JSON.stringify(Buffer.from([1, 2, 3, 4]).toString('base64'))};`,
  );
  writeFileSync(join(base, 'evil.min.js'), 'throw new Error("evil module was loaded");');
  caller = join(base, 'caller.js');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

function withPaths(paths: string[]): void {
  const json = {
    modelTopology: {
      model_config: { config: { layers: [{ class_name: 'Dense', config: { activation: 'softmax' } }] } },
    },
    weightsManifest: [{ paths, weights: [] }],
  };
  const path = join(modelsDir, 'model.min.js');
  writeFileSync(path, `module.exports = ${JSON.stringify(json)};`);
  // require caches modules by path (one cache for every require function): drop the old one.
  delete createRequire(caller).cache[path];
}

const refused = (f: () => unknown, re: RegExp) => expectInputError(f, 'weightsManifest[0].paths[0]', re);

describe('materializeNsfwjs confines the paths its manifest names', () => {
  it('writes model.json, the shard and meta.json for a well-formed manifest', () => {
    withPaths(['group1-shard1of1']);
    const out = join(base, 'ok');
    const files = materializeNsfwjs(out, 'mobilenet_v2', caller);
    expect(files.modelJson).toBe(join(out, 'model.json'));
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'meta.json', 'model.json']);
  });

  it('refuses a shard module outside the package models folder, before loading it', () => {
    const out = join(base, 'escape-read');
    for (const p of ['../../../../../evil', join(base, 'evil')]) {
      const fresh = `${out}-${p.length}`;
      withPaths([p]);
      refused(
        () => materializeNsfwjs(fresh, 'mobilenet_v2', caller),
        /evil\.min\.js, outside the model folder/,
      );
      expect(existsSync(fresh)).toBe(false);
    }
  });

  it('refuses to write through a symlink pointing out of the output folder', () => {
    withPaths(['group1-shard1of1']);
    const out = join(base, 'escape-write');
    mkdirSync(out);
    const victim = join(base, 'victim.bin');
    writeFileSync(victim, 'keep me');
    symlinkSync(victim, join(out, 'group1-shard1of1.bin'));
    refused(() => materializeNsfwjs(out, 'mobilenet_v2', caller), /victim\.bin, outside the model folder/);
  });
});
