import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { parseCsv, readCsv } from './read-csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with separators, CRLF and blank lines, trimming spaces', () => {
    const t = parseCsv('name, note,age\r\n"Smith, J.", "said ""hi""", 41\r\n\r\nLee,,7\r\n');
    expect(t.columns).toEqual(['name', 'note', 'age']);
    expect(t.rows).toEqual([
      ['Smith, J.', 'said "hi"', '41'],
      ['Lee', '', '7'],
    ]);
    expect(t.lines).toEqual([2, 4]);
  });

  it('takes column names from the options for header-less files and skips banner lines', () => {
    const t = parseCsv('|banner\n1, a\n2, b\n', { header: ['n', 's'], skipLines: 1 });
    expect(t.columns).toEqual(['n', 's']);
    expect(t.rows).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
  });

  it('fails clearly on an empty file, a header without rows, duplicate names and ragged rows', () => {
    expect(() => parseCsv('', { source: 'empty.csv' })).toThrow(/empty\.csv is empty/);
    expect(() => parseCsv('  \n\n', { source: 'blank.csv' })).toThrow(OrderlensInputError);
    expect(() => parseCsv('a,b\n', { source: 'h.csv' })).toThrow(/h\.csv has a header but no data rows/);
    expect(() => parseCsv('a,a\n1,2\n')).toThrow(/column "a" twice/);
    expect(() => parseCsv('a,b\n1,2\n3\n', { source: 'r.csv' })).toThrow(
      /r\.csv row 2 \(line 3\) has 1 fields, expected 2/,
    );
  });
});

describe('readCsv', () => {
  it('reads plain and gzipped files and names a missing path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderlens-csv-'));
    writeFileSync(join(dir, 'a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(dir, 'a.csv.gz'), gzipSync('x,y\n1,2\n'));
    expect(readCsv(join(dir, 'a.csv')).rows).toEqual([['1', '2']]);
    expect(readCsv(join(dir, 'a.csv.gz')).rows).toEqual([['1', '2']]);
    expect(() => readCsv(join(dir, 'nope.csv'))).toThrow(/cannot read .*nope\.csv: ENOENT/);
  });
});
