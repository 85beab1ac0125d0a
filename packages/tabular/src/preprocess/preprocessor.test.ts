import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv/read-csv.js';
import { censusSchema, readCensusTable } from '../census/census.js';
import { inferSchema } from '../schema/schema.js';
import { TabularPreprocessor } from './preprocessor.js';

const small = parseCsv('age,color,score,label\n20,red,1,yes\n30,blue,?,no\n40,green,3,yes\n50,blue,5,no\n');
const schema = inferSchema(small, { target: 'label' });

describe('TabularPreprocessor', () => {
  it('z-scores with the complete fit rows and codes categories alphabetically', () => {
    const p = TabularPreprocessor.fit(small, schema);
    // Complete rows: 1, 3, 4 (row 2 has a missing score). Categories from all rows.
    expect(p.schema.features[1].categories).toEqual(['blue', 'green', 'red']);
    expect(p.classes).toEqual(['no', 'yes']);
    const ages = [20, 40, 50];
    const m = (20 + 40 + 50) / 3;
    const s = Math.sqrt(ages.reduce((a, v) => a + (v - m) ** 2, 0) / 3);
    expect(p.means[0]).toBeCloseTo(m, 12);
    expect(p.stds[0]).toBeCloseTo(s, 12);
    const t = p.transform(small);
    expect(t.rows).toBe(3);
    expect(Array.from(t.sourceRows)).toEqual([0, 2, 3]);
    expect(Array.from(t.y!)).toEqual([1, 1, 0]);
    expect(t.x[0]).toBeCloseTo((20 - m) / s, 6);
    // color codes red=2, green=1, blue=0 → mean 1, population std sqrt(2/3).
    expect(t.x[1]).toBeCloseTo((2 - 1) / Math.sqrt(2 / 3), 6);
    expect(() => p.transform(small, { missing: 'error' })).toThrow(
      /column "score": <text> line 3 has a missing value/,
    );
  });

  it('one-hot encodes a categorical attribute into inputs owned by one player', () => {
    const p = TabularPreprocessor.fit(small, schema, { categorical: 'one-hot', standardize: 'none' });
    expect(p.featureNames).toEqual(['age', 'color=blue', 'color=green', 'color=red', 'score']);
    expect(Array.from(p.playerOfFeature)).toEqual([0, 1, 1, 1, 2]);
    expect(p.playerCount).toBe(3);
    const t = p.transform(small);
    expect(Array.from(t.x.subarray(0, 5))).toEqual([20, 0, 0, 1, 1]);
    expect(p.decodeRow(t.x.subarray(5, 10))).toEqual({ age: 40, color: 'green', score: 3 });
    // The mean baseline of unstandardised inputs is the fitted rows' mean (complete rows 1, 3, 4).
    expect(Array.from(p.inputMeans)).toEqual([110 / 3, 1 / 3, 1 / 3, 1 / 3, 3].map(Math.fround));
    expect(Array.from(TabularPreprocessor.fit(small, schema).inputMeans)).toEqual([0, 0, 0]);
  });

  it('encodes categories unseen when fitting as unknown; still fails on unknown classes', () => {
    const p = TabularPreprocessor.fit(small, schema);
    const t = p.transform(
      parseCsv('age,color,score,label\n1,purple,2,yes\n1,red,2,no\n', { source: 'new.csv' }),
    );
    expect(t.rows).toBe(2);
    // Ordinal: the fitted mean code, 0 after z-scoring (the absent-player value of the mean baseline).
    expect(t.x[1]).toBe(0);
    expect(t.x[4]).toBeCloseTo((2 - 1) / Math.sqrt(2 / 3), 6);
    expect(t.unknownCategories).toEqual({ color: 1 });
    expect(p.transform(small).unknownCategories).toEqual({});
    expect(() => p.transform(parseCsv('age,color,score,label\n1,red,2,maybe\n'))).toThrow(
      /unknown class "maybe"/,
    );
    expect(p.transform(parseCsv('age,color,score\n1,red,2\n')).y).toBeUndefined();
  });

  it('fits on the rows it is given: a category only in the held-out split is unknown, not refused', () => {
    // Rows 0-3 train, 4-5 held out; "purple" occurs only in the held-out rows.
    const table = parseCsv(
      'age,color,score,label\n20,red,1,yes\n30,blue,2,no\n40,green,3,yes\n50,blue,5,no\n60,purple,4,yes\n70,red,6,no\n',
    );
    const s = inferSchema(table, { target: 'label' });
    for (const categorical of ['ordinal', 'one-hot'] as const) {
      for (const standardize of ['zscore', 'none'] as const) {
        const p = TabularPreprocessor.fit(table, s, { fitRows: [0, 1, 2, 3], categorical, standardize });
        expect(p.schema.features[1].categories).toEqual(['blue', 'green', 'red']);
        // Statistics are those of the training rows only.
        expect(p.means[0]).toBe(standardize === 'zscore' ? 35 : 0);
        const held = p.transform(table, { rows: [4, 5] });
        expect(held.rows).toBe(2);
        expect(held.unknownCategories).toEqual({ color: 1 });
        const raw = p.decodeRow(held.x.subarray(held.featureCount, 2 * held.featureCount));
        expect(raw.color).toBe('red');
        const unknownRow = Array.from(held.x.subarray(0, held.featureCount));
        if (categorical === 'ordinal') {
          // Training codes red=2, blue=0, green=1, blue=0 → mean code 0.75.
          expect(unknownRow[1]).toBeCloseTo(standardize === 'zscore' ? 0 : 0.75, 6);
        } else {
          // No indicator set: (0 − mean) / std for each of blue, green, red.
          const expected = p.featureNames
            .map((name, f) => (name.startsWith('color=') ? (0 - p.means[f]) / p.stds[f] : undefined))
            .filter((v) => v !== undefined);
          expect(unknownRow.slice(1, 4).map((v) => Math.round(v * 1e5) / 1e5)).toEqual(
            expected.map((v) => Math.round(Math.fround(v!) * 1e5) / 1e5),
          );
        }
      }
    }
  });

  it('refuses, while fitting, a category outside a list the schema gives', () => {
    const listed = {
      ...schema,
      features: schema.features.map((f) => (f.name === 'color' ? { ...f, categories: ['red', 'blue'] } : f)),
    };
    expect(() => TabularPreprocessor.fit(small, listed)).toThrow(
      /column "color": <text> line 4: category "green" is not in the schema's list/,
    );
  });

  it('round-trips through JSON and a file on real census rows', () => {
    const table = readCensusTable('adult.data');
    const rows = Array.from({ length: 500 }, (_v, i) => i * 37);
    const p = TabularPreprocessor.fit(table, censusSchema(), { fitRows: rows });
    const dir = mkdtempSync(join(tmpdir(), 'orderlens-pre-'));
    const file = join(dir, 'preprocessing.json');
    p.save(file);
    const q = TabularPreprocessor.load(file);
    const r = TabularPreprocessor.fromJSON(JSON.parse(JSON.stringify(p)));
    const a = p.transform(table, { rows });
    for (const other of [q, r]) {
      const b = other.transform(table, { rows });
      expect(b.x).toEqual(a.x);
      expect(b.y).toEqual(a.y);
      expect(other.featureNames).toEqual(p.featureNames);
    }
    expect(q.decodeRow(a.x.subarray(0, 12))).toMatchObject({
      Relationship: table.rows[a.sourceRows[0]][7],
      Sex: table.rows[a.sourceRows[0]][9],
    });
    writeFileSync(join(dir, 'bad.json'), '{"format":"other"}');
    expect(() => TabularPreprocessor.load(join(dir, 'bad.json'))).toThrow(
      /preprocessor\.format: expected "orderlens\/tabular-preprocessor@1"/,
    );
    expect(() => TabularPreprocessor.load(join(dir, 'none.json'))).toThrow(/cannot read/);
  });

  it('encodes a raw record and checks its fields', () => {
    const p = TabularPreprocessor.fit(small, schema);
    const t = p.transform(small);
    expect(Array.from(p.encodeRecord({ age: 20, color: 'red', score: 1 }))).toEqual(
      Array.from(t.x.subarray(0, 3)),
    );
    expect(() => p.encodeRecord({ age: 20, color: 'red' })).toThrow(/record: lacks "score"/);
    expect(() => p.encodeRecord({ age: 'x', color: 'red', score: 1 })).toThrow(
      /column "age".*"x" is not a number/,
    );
  });
});
