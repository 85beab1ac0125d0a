import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng, scaledTimeout } from '@orderlens/core/testing';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const tmp = tempDir('orderlens-analysis-pictures-');
afterAll(() => tmp.cleanup());

describe('the pictures of an analysis', () => {
  it(
    'analyze --estimator and-or of two models: folders and legends by model name, and-or.png beside each result',
    { timeout: scaledTimeout(180_000) },
    async () => {
      const out = join(tmp.dir, 'two');
      // Both fixtures' files are model.onnx: the folders and legends must say which is which.
      const r = await runCli([
        '--quiet',
        'analyze',
        'tabular',
        '--model',
        join(ROOT, 'fixtures/census-mlp5/model.onnx'),
        '--model',
        join(ROOT, 'fixtures/census-mlp8/model.onnx'),
        '--estimator',
        'and-or',
        '--niter',
        '200',
        '--samples',
        '1',
        '--out',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const svg = readFileSync(join(out, 'strength.svg'), 'utf8');
      expect(svg).toContain('census-mlp5: J(m)');
      expect(svg).toContain('census-mlp8: J(m)');
      expect(svg).not.toContain('model.onnx');
      for (const id of ['census-mlp5', 'census-mlp8']) {
        const dir = join(out, 'models', id);
        const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as {
          outputs: Record<string, { svg: string; png: string }>;
        };
        const andOr = result.outputs['and-or'];
        expect(andOr, `${id}: outputs['and-or']`).toBeDefined();
        expect(existsSync(andOr.png)).toBe(true);
        expect(decodePng(readFileSync(andOr.png)).width).toBeGreaterThan(600);
        const andOrSvg = readFileSync(andOr.svg, 'utf8');
        expect(andOrSvg).toContain(`AND-OR interactions — ${id}`);
        expect(andOrSvg).toContain('salient strength per order');
      }
    },
  );
});
