import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portableOptions } from './run-dynamics.js';

describe('portableOptions', () => {
  it('records absolute paths relative to the output folder and leaves everything else alone', () => {
    const out = join('/data', 'runs', 'pc');
    expect(
      portableOptions(
        {
          series: join('/data', 'fixtures', 'two-phase', 'sst2-bert'),
          sentences: join('/data', 'fixtures', 'two-phase', 'sst2-bert', 'dev.tsv'),
          inside: join(out, 'x.json'),
          itself: out,
          clouds: 'modelnet10:test',
          relativeAlready: 'fixtures/two-phase',
          samples: 10,
          subsample: true,
        },
        out,
      ),
    ).toEqual({
      series: join('..', '..', 'fixtures', 'two-phase', 'sst2-bert'),
      sentences: join('..', '..', 'fixtures', 'two-phase', 'sst2-bert', 'dev.tsv'),
      inside: 'x.json',
      itself: '.',
      clouds: 'modelnet10:test',
      relativeAlready: 'fixtures/two-phase',
      samples: 10,
      subsample: true,
    });
  });
});
