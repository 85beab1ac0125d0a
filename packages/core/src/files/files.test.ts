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
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectInputError } from '../testing/expect-input-error.js';
import { probeWritableDir, probeWritableFile } from './probe-writable.js';
import { resolveInside } from './resolve-inside.js';
import { joinPathSpec, optionPaths, resolveInRoots, splitPathSpec } from './confine.js';

let base: string;
let model: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'orderlens-files-')));
  model = join(base, 'model');
  mkdirSync(join(model, 'sub'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'secret.bin'), 'secret');
  writeFileSync(join(model, 'weights.bin'), 'w');
  symlinkSync(join(base, 'outside', 'secret.bin'), join(model, 'link.bin'));
  symlinkSync(join(base, 'outside'), join(model, 'linkdir'));
  symlinkSync(join(model, 'weights.bin'), join(model, 'sub', 'inner-link.bin'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const refusal = expectInputError;

describe('resolveInside', () => {
  it('accepts files inside the folder, existing or not, and symlinks that stay inside', () => {
    expect(resolveInside(model, 'weights.bin', 'f')).toBe(join(model, 'weights.bin'));
    expect(resolveInside(model, './sub/../weights.bin', 'f')).toBe(join(model, 'weights.bin'));
    expect(resolveInside(model, 'sub/missing.bin', 'f')).toBe(join(model, 'sub', 'missing.bin'));
    expect(resolveInside(model, 'sub/inner-link.bin', 'f')).toBe(join(model, 'weights.bin'));
    expect(resolveInside(model, join(model, 'weights.bin'), 'f')).toBe(join(model, 'weights.bin'));
  });

  it('refuses .. escapes, naming the field, the target and the folder', () => {
    refusal(
      () => resolveInside(model, '../outside/secret.bin', 'weightsManifest.paths[0]'),
      'weightsManifest.paths[0]',
      new RegExp(`resolves to ${join(base, 'outside', 'secret.bin')}, outside the model folder ${model}`),
    );
    refusal(
      () => resolveInside(model, '../../../../../../etc/passwd', 'p'),
      'p',
      /resolves to \/etc\/passwd/,
    );
    refusal(() => resolveInside(model, 'sub/../../x', 'p'), 'p', /outside the model folder/);
    refusal(() => resolveInside(model, '..', 'p'), 'p', /outside the model folder/);
  });

  it('refuses absolute paths outside', () => {
    refusal(() => resolveInside(model, '/etc/passwd', 'location'), 'location', /resolves to \/etc\/passwd/);
  });

  it('refuses symlinks (to a file or a folder) pointing out, even to missing files', () => {
    refusal(
      () => resolveInside(model, 'link.bin', 'p'),
      'p',
      new RegExp(`resolves to ${join(base, 'outside', 'secret.bin')}`),
    );
    refusal(() => resolveInside(model, 'linkdir/secret.bin', 'p'), 'p', /outside the model folder/);
    refusal(() => resolveInside(model, 'linkdir/not-there.bin', 'p'), 'p', /not-there\.bin, outside/);
  });

  it('refuses empty and NUL-containing references', () => {
    refusal(() => resolveInside(model, '', 'p'), 'p', /expected a file path/);
    refusal(() => resolveInside(model, 'a\0b', 'p'), 'p', /NUL byte/);
  });

  it('judges a symlinked model folder by where it really is', () => {
    const alias = join(base, 'alias');
    symlinkSync(model, alias);
    expect(resolveInside(alias, 'weights.bin', 'f')).toBe(join(model, 'weights.bin'));
    refusal(() => resolveInside(alias, '../outside/secret.bin', 'f'), 'f', /outside the model folder/);
  });
});

describe('probeWritableDir / probeWritableFile', () => {
  it('accepts a new nested folder and leaves nothing behind', () => {
    const out = join(base, 'out', 'a', 'b');
    expect(probeWritableDir(out, '--out')).toBe(out);
    expect(existsSync(join(base, 'out'))).toBe(false);
  });

  it('accepts an existing folder and leaves its contents as they were', () => {
    const out = join(base, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'k');
    probeWritableDir(out, '--out');
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('refuses a folder below a regular file (ENOTDIR) and a file given as folder', () => {
    const file = join(base, 'plain.json');
    writeFileSync(file, '{}');
    refusal(
      () => probeWritableDir(join(file, 'x', 'y'), '--out'),
      '--out',
      new RegExp(`${file} is a file, so`),
    );
    refusal(() => probeWritableDir(file, '--out'), '--out', /is a file, not a folder/);
  });

  // Tests run as root here, where chmod cannot make a folder read-only, so EROFS/EACCES are not
  // simulated; /proc (which also answers ENOENT to mkdir, the cause of the recursive-mkdir hang)
  // and a file-as-parent cover the refusal paths that need no privileges.
  it('refuses /proc and /sys, also through a symlink, without hanging', () => {
    refusal(() => probeWritableDir('/proc/x', '--out'), '--out', /under \/proc, a kernel pseudo-file system/);
    refusal(() => probeWritableDir('/sys/x/y', '--out-dir'), '--out-dir', /under \/sys/);
    const link = join(base, 'proc-link');
    symlinkSync('/proc', link);
    refusal(() => probeWritableDir(join(link, 'x'), '--out'), '--out', /under \/proc/);
    refusal(() => probeWritableFile('/proc/x/result.json', '--out'), '--out', /under \/proc/);
  });

  it('probeWritableFile accepts a new file in a new folder, refuses a folder', () => {
    const f = join(base, 'fresh', 'result.json');
    expect(probeWritableFile(f, '--out')).toBe(f);
    expect(existsSync(join(base, 'fresh'))).toBe(false);
    refusal(() => probeWritableFile(base, '--out'), '--out', /is a folder; give a file name/);
    const file = join(base, 'plain2.json');
    writeFileSync(file, '{}');
    refusal(() => probeWritableFile(join(file, 'r.json'), '--out'), '--out', /plain2\.json is a file/);
  });
});

describe('confinement of composite specs and several roots', () => {
  it('splits a spec into its prefix and parts; a drive letter is no prefix', () => {
    expect(splitPathSpec('idx:/a/images,/b/labels')).toEqual({
      prefix: 'idx',
      parts: ['/a/images', '/b/labels'],
    });
    expect(splitPathSpec('census')).toEqual({ parts: ['census'] });
    expect(splitPathSpec('C:\\data')).toEqual({ parts: ['C:\\data'] });
    expect(joinPathSpec(splitPathSpec('fashion-mnist:../x'))).toBe('fashion-mnist:../x');
  });

  it('lists every path part of path-valued options, not the names of shipped data', () => {
    const descriptors = [
      { key: 'dataset', flag: '--dataset <spec>', description: '', type: 'string', path: true },
      { key: 'grid', flag: '--grid <g>', description: '', type: 'string' },
    ] as const;
    expect(optionPaths(descriptors, { dataset: `idx:${model}/weights.bin,/etc/passwd`, grid: '/x' })).toEqual(
      [
        { key: 'dataset', path: join(model, 'weights.bin') },
        { key: 'dataset', path: '/etc/passwd' },
      ],
    );
    expect(optionPaths(descriptors, { dataset: 'modelnet10:test' })).toEqual([]);
    expect(optionPaths(descriptors, { dataset: 'weights.bin' }, model)).toEqual([
      { key: 'dataset', path: 'weights.bin' },
    ]);
  });

  it('resolveInRoots accepts a path in any root and names every root when refusing', () => {
    const other = join(base, 'outside');
    expect(resolveInRoots([model, other], join(other, 'secret.bin'), 'f', 'the roots', 'r')).toBe(
      join(other, 'secret.bin'),
    );
    refusal(
      () =>
        resolveInRoots(
          [model, join(model, 'sub')],
          join(model, 'link.bin'),
          'sentences',
          'the roots',
          'add --root',
        ),
      'sentences',
      new RegExp(
        `resolves to ${join(other, 'secret.bin')}, outside the roots \\(${model}, ${join(model, 'sub')}\\); add --root`,
      ),
    );
  });

  it('refuses a symlink loop as such, naming the field', () => {
    const loop = join(model, 'loop');
    symlinkSync(loop, loop);
    refusal(
      () => resolveInside(model, 'loop/x.png', 'outputs'),
      'outputs',
      /is a symbolic link loop \(ELOOP\)/,
    );
  });
});
