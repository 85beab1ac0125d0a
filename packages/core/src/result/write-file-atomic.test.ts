import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp.js';
import { writeFileAtomic } from './estimate-result.js';

describe('writeFileAtomic', () => {
  it('replaces the file whole; a failed rename removes its temporary file', () => {
    const t = tempDir('orderlens-atomic-');
    try {
      const p = join(t.dir, 'a.txt');
      writeFileAtomic(p, 'one');
      writeFileAtomic(p, 'two');
      expect(readFileSync(p, 'utf8')).toBe('two');
      // The target is an existing folder: the rename fails (EISDIR) and nothing is left beside it.
      mkdirSync(join(t.dir, 'folder'));
      expect(() => writeFileAtomic(join(t.dir, 'folder'), 'x'.repeat(100_000))).toThrow();
      expect(readdirSync(t.dir).sort()).toEqual(['a.txt', 'folder']);
    } finally {
      t.cleanup();
    }
  });
});
