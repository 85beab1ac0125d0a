import { describe, expect, it } from 'vitest';
import { tempDir } from '@orderlens/core/testing';
import { loadRows, loadTrainingCsv, loadTrainingData } from './tabular-data.js';

const TRAIN = 'age,color,label\n20,red,yes\n30,blue,no\n40,red,yes\n50,blue,no\n';

describe('categories unseen when the preprocessing was fitted', () => {
  it('are encoded as unknown with a warning naming the file, the attribute, the count and a value', () => {
    const t = tempDir('tabular-unseen-');
    try {
      const warnings: string[] = [];
      const { preprocessor } = loadTrainingCsv({
        csv: t.file('train.csv', TRAIN),
        target: 'label',
        testCsv: t.file('test.csv', 'age,color,label\n25,rde,yes\n35,blue,no\n45,rde,no\n'),
        testFraction: 0.2,
        seed: 0,
        warn: (m) => warnings.push(m),
      });
      expect(warnings).toEqual([
        expect.stringMatching(
          /test\.csv: 2 cells hold a category the preprocessing was not fitted on \(color: 2 \(e\.g\. "rde"\)\); encoded as unknown/,
        ),
      ]);
      const later: string[] = [];
      const rows = loadRows(
        { csv: t.file('later.csv', 'age,color,label\n60,green,yes\n70,red,no\n') },
        preprocessor,
        (m) => later.push(m),
      );
      expect(rows.rows).toBe(2);
      expect(later).toEqual([
        expect.stringMatching(/^--csv .*later\.csv: 1 cell holds a category .*color: 1 \(e\.g\. "green"\)/),
      ]);
      // Known categories only: nothing to say.
      const quiet: string[] = [];
      loadRows({ csv: t.file('ok.csv', 'age,color,label\n60,red,yes\n') }, preprocessor, (m) =>
        quiet.push(m),
      );
      expect(quiet).toEqual([]);
    } finally {
      t.cleanup();
    }
  });
});

describe('loadTrainingData', () => {
  it('census: the first train rows, the test split, the data named without its split, the train mean as baseline', () => {
    const d = loadTrainingData({}, { trainRows: 100 });
    expect(d.train.rows).toBe(100);
    expect(d.test.rows).toBeGreaterThan(1000);
    expect(d.dataset).toMatch(/^census \(.*recipe\)$/);
    expect(d.baseline).toHaveLength(12);
    expect(Array.from(loadTrainingData({}, { baseline: 'zero' }).baseline)).toEqual(new Array(12).fill(0));
    expect(() => loadTrainingData({ dataset: 'iris' })).toThrow(/^--dataset: unknown dataset "iris"/);
  });

  it('a CSV: seeded split, named by its path, the mean baseline from its preprocessing', () => {
    const t = tempDir('tabular-training-data-');
    try {
      const csv = t.file('train.csv', TRAIN);
      const d = loadTrainingData({ csv: { csv, target: 'label', testFraction: 0.25, seed: 0 } });
      expect([d.train.rows, d.test.rows]).toEqual([3, 1]);
      expect(d.dataset).toBe(csv);
      expect(d.baseline).toEqual(d.train.preprocessor.inputMeans);
    } finally {
      t.cleanup();
    }
  });
});
