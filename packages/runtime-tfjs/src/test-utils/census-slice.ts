import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** The UCI census file kept in the tabular package (committed data, see its PROVENANCE.md). */
const CENSUS = fileURLToPath(new URL('../../../tabular/data/census/adult.data.gz', import.meta.url));

/**
 * A small real data set for training tests: the first `rows` complete rows of UCI census
 * (adult.data), 7 standardised features (age, education-num, capital-gain, capital-loss,
 * hours-per-week, married, male), label = income > 50K. Independent of the tabular package's
 * preprocessing on purpose: these tests are about training, not about the census recipe.
 */
export function censusSlice(rows: number): { x: Float32Array; y: Int32Array; featureCount: number } {
  const lines = gunzipSync(readFileSync(CENSUS)).toString('utf8').split('\n');
  const feats: number[][] = [];
  const labels: number[] = [];
  for (const line of lines) {
    if (feats.length >= rows) break;
    const c = line.split(',').map((s) => s.trim());
    if (c.length < 15 || c.includes('?')) continue;
    feats.push([
      +c[0],
      +c[4],
      Math.log1p(+c[10]),
      Math.log1p(+c[11]),
      +c[12],
      c[5].startsWith('Married-civ') ? 1 : 0,
      c[9] === 'Male' ? 1 : 0,
    ]);
    labels.push(c[14].startsWith('>50K') ? 1 : 0);
  }
  const F = 7;
  const x = new Float32Array(feats.length * F);
  for (let f = 0; f < F; f++) {
    let mean = 0;
    for (const r of feats) mean += r[f] / feats.length;
    let v = 0;
    for (const r of feats) v += (r[f] - mean) ** 2 / feats.length;
    const sd = Math.sqrt(v) || 1;
    feats.forEach((r, i) => (x[i * F + f] = (r[f] - mean) / sd));
  }
  return { x, y: Int32Array.from(labels), featureCount: F };
}
