import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCensus, readCensusTable, CENSUS_FEATURES } from './census.js';

// Reference values from tools/learn_census_reference.py (NumPy re-implementation of the Learn recipe).
const MEAN = [
  38.437901995888865, 3.0995292089383994, 10.12131158411246, 2.5801339433724553, 5.95985014256349,
  2.4955241694847823, 3.6786022147072477, 0.6756846362973278, 1092.0078575691268, 88.37248856176646,
  40.93123798156621, 36.382567469000726,
];
const STD = [
  13.134447039742588, 1.1409110609627209, 2.5499526468579736, 1.4979907885970227, 4.0294995805507785,
  1.7623727435619134, 0.8346955884206281, 0.4681184770642791, 7406.223719547303, 404.29166831596643,
  11.979785633630982, 6.105271250795752,
];
const TRAIN_FIRST = [
  0.423474103, -0.0872366056, 0.736754239, -1.72239637, 0.00996398088, 0.286248088, 0.385047913, -1.44340515,
  -0.147444621, -0.218585968, 0.33963564, 0.26492393,
];
const TRAIN_LAST = [
  0.271202743, -1.84022164, -0.0475740544, 0.947847009, -0.98271513, -1.41600251, 0.385047913, 0.692806184,
  -0.147444621, -0.218585968, -0.0777341127, 0.26492393,
];
const TEST_FIRST = [
  -0.490154028, -0.0872366056, 0.344590098, 0.947847009, -0.73454535, -1.41600251, 0.385047913, -1.44340515,
  -0.147444621, -0.218585968, -1.49679124, 0.26492393,
];
const TRAIN_MEAN = [
  -0.00112374118, -0.00121835991, 0.00331350645, -0.00282340196, -0.00266615209, 0.00146968501,
  -0.00476619046, -0.00616141369, -0.00306212077, -0.00121707734, 0.000304983973, -0.00134386643,
];

describe('loadCensus (Learn recipe)', () => {
  const c = loadCensus();

  it('keeps the 30,162 complete rows, 12 inputs, and the recipe split sizes', () => {
    expect(c.featureNames).toEqual(CENSUS_FEATURES);
    expect(c.train.rows).toBe(24129);
    expect(c.test.rows).toBe(6033);
    expect(c.train.x.length).toBe(24129 * 12);
    const pos = (y: Int32Array) => y.reduce((a, v) => a + v, 0);
    expect(pos(c.train.y)).toBe(6038);
    expect(pos(c.test.y)).toBe(1470);
    expect(c.preprocessor.schema.features[1].categories?.[2]).toBe('Never-worked');
    expect(c.preprocessor.schema.features[11].categories).toHaveLength(41);
  });

  it('standardises with the mean and population std of all complete rows (README: age 38.44 ± 13.13)', () => {
    for (let f = 0; f < 12; f++) {
      expect(c.preprocessor.means[f]).toBeCloseTo(MEAN[f], 9);
      expect(c.preprocessor.stds[f] / STD[f]).toBeCloseTo(1, 12);
    }
  });

  it('reproduces the recipe rows in the recipe order (NumPy shuffle + scikit-learn split)', () => {
    const row = (x: Float32Array, r: number) => Array.from(x.subarray(r * 12, (r + 1) * 12));
    row(c.train.x, 0).forEach((v, f) => expect(v).toBeCloseTo(TRAIN_FIRST[f], 5));
    row(c.train.x, c.train.rows - 1).forEach((v, f) => expect(v).toBeCloseTo(TRAIN_LAST[f], 5));
    row(c.test.x, 0).forEach((v, f) => expect(v).toBeCloseTo(TEST_FIRST[f], 5));
    expect(c.train.y[0]).toBe(0);
    expect(c.test.y[0]).toBe(0);
    // The first train row really is that line of adult.data.
    const raw = readCensusTable('adult.data').rows[c.train.sourceRows[0]];
    expect(Number(raw[0])).toBeCloseTo(TRAIN_FIRST[0] * STD[0] + MEAN[0], 3);
  });

  it('uses the train mean as the default baseline, and zero on request', () => {
    Array.from(c.baseline).forEach((v, f) => expect(v).toBeCloseTo(TRAIN_MEAN[f], 5));
    expect(Array.from(loadCensus({ baseline: 'zero' }).baseline)).toEqual(new Array(12).fill(0));
  });

  it('offers the UCI train/test split', () => {
    const u = loadCensus({ split: 'uci' });
    expect(u.train.rows).toBe(30162);
    expect(u.test.rows).toBe(15060);
    expect(u.test.sourceFile).toBe('adult.test');
    expect(u.test.y.reduce((a, v) => a + v, 0)).toBe(3700);
  });

  it('rejects bad options', () => {
    expect(() => loadCensus({ split: 'other' as 'learn' })).toThrow(/split: expected "learn" or "uci"/);
    expect(() => loadCensus({ dataDir: '/nonexistent' })).toThrow(
      /cannot read \/nonexistent\/adult\.data\.gz/,
    );
  });

  // The "onnx" helper's fixture was preprocessed independently (Python, tools/fixtures/census_mlp.py).
  const meta = fileURLToPath(new URL('../../../../fixtures/census-mlp5/meta.json', import.meta.url));
  it.skipIf(!existsSync(meta))(
    'agrees with the independently built census fixture on statistics and codes',
    () => {
      const m = JSON.parse(readFileSync(meta, 'utf8')) as {
        mean: number[];
        std: number[];
        columns: string[];
        codeMaps: Record<string, Record<string, number>>;
      };
      expect(m.columns).toEqual(CENSUS_FEATURES);
      m.mean.forEach((v, f) => expect(c.preprocessor.means[f] / v).toBeCloseTo(1, 12));
      m.std.forEach((v, f) => expect(c.preprocessor.stds[f] / v).toBeCloseTo(1, 12));
      const schema = c.preprocessor.schema;
      for (const [name, codes] of Object.entries(m.codeMaps)) {
        const cats = schema.features.find((f) => f.name === name)!.categories!;
        for (const [value, code] of Object.entries(codes)) expect(cats[code]).toBe(value);
      }
    },
  );
});
