import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFiles } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const tmp = tempDir('orderlens-attack-');
afterAll(() => tmp.cleanup());

describe('orderlens attack', () => {
  // Issue 24: attack.json said neither which model bytes it attacked nor what it cost.
  it('writes attack.json with its provenance and model calls by purpose', async () => {
    const out = join(tmp.dir, 'a');
    const model = repo('fixtures/census-mlp5/tfjs/model.json');
    const r = await runCli([
      '-q',
      'attack',
      '--model',
      model,
      '--rows',
      '20',
      '--steps',
      '3',
      '--samples',
      '1',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(out, 'attack.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    // PGD: one forward-and-back per row and step, then clean and attacked predictions.
    expect(a.modelCalls.attack).toBe(20 * (3 + 2));
    expect(a.modelCalls.estimation).toBe(2 * 4096); // the clean and the attacked row, exact over 12 attributes
    expect(a.modelCalls.total).toBe(a.modelCalls.attack + a.modelCalls.selection + a.modelCalls.estimation);
    expect(a.provenance.model.sha256).toBe(
      hashFiles([
        model,
        ...JSON.parse(readFileSync(model, 'utf8')).weightsManifest[0].paths.map((p: string) =>
          join(model, '..', p),
        ),
      ]),
    );
    expect(a.provenance.model.backend).toMatch(/^tfjs:/);
    expect(a.provenance.packages['@orderlens/cli']).toMatch(/^\d/);
    expect(a.provenance.options).toMatchObject({ eps: 0.6, steps: 3, rows: 20, samples: 1 });
  });
});
