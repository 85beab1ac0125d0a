/**
 * Noise sensitivity as a study analysis: a study file whose models name `noise` gets, per model,
 * the same `measures.noiseSensitivity` as `orderlens noise-sensitivity` with the same settings
 * (same seed → same noise stream), so one study compares networks; a resume recomputes nothing;
 * bad noise settings are refused at their place in the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../program.js';
import { tempDir } from '../../test-utils/tmp.js';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const onnx = join(ROOT, 'fixtures/census-mlp5/model.onnx');
const quickstart = join(ROOT, 'packages/cli/assets/quickstart/model.json');
const tmp = tempDir('orderlens-study-noise-');
afterAll(() => tmp.cleanup());

const study = (noise: string) => `name: noise-study
seed: 0
defaults:
  tabular:
    samples: 2
    noise: ${noise}
models:
  - id: census-onnx
    modality: tabular
    model: ${onnx}
  - id: quickstart
    modality: tabular
    model: ${quickstart}
`;
const roots = ['--root', join(ROOT, 'fixtures'), '--root', join(ROOT, 'packages/cli/assets')];
const result = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('study models with noise', () => {
  it('give the noise-sensitivity command’s V^(s), per network', async () => {
    const file = join(tmp.dir, 'study.yaml');
    writeFileSync(file, study('{ delta: 0.2, draws: 3 }'));
    const out = join(tmp.dir, 'out');
    const r = await runCli(['-q', 'study', 'run', file, '--out', out, ...roots]);
    expect(r.code, r.stderr).toBe(0);
    const direct = await runCli([
      '-q',
      'noise-sensitivity',
      'tabular',
      '--model',
      onnx,
      '--samples',
      '2',
      '--delta',
      '0.2',
      '--draws',
      '3',
      '--out',
      join(tmp.dir, 'direct'),
    ]);
    expect(direct.code, direct.stderr).toBe(0);
    const fromStudy = result(join(out, 'models', 'census-onnx', 'result.json'));
    const fromCommand = result(join(tmp.dir, 'direct', 'result.json'));
    expect(fromStudy.measures.noiseSensitivity).toEqual(fromCommand.measures.noiseSensitivity);
    expect(fromStudy.modelCalls.noise).toBe(2 * 3 * 4096);
    expect(fromStudy.samples.map((s: { noise: unknown }) => s.noise)).toEqual(
      fromCommand.samples.map((s: { noise: unknown }) => s.noise),
    );
    const other = result(join(out, 'models', 'quickstart', 'result.json'));
    // The closing line counts every call this run made, the noise draws' included.
    const said = Number(/with (\d+) model calls/.exec(r.stdout)?.[1]);
    expect(said).toBe(fromStudy.modelCalls.total + other.modelCalls.total);
    expect(other.measures.noiseSensitivity.variance).toHaveLength(12);
    expect(other.measures.noiseSensitivity.variance).not.toEqual(
      fromStudy.measures.noiseSensitivity.variance,
    );
    // The report of the study folder draws both networks in the noise chart.
    const rep = await runCli(['report', out]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('id="chart-measure-noise"');
  });

  it('refuses δ ≤ 0 and fewer than two draws where the file sets them', async () => {
    for (const [noise, message] of [
      ['{ delta: 0, draws: 3 }', /defaults\.tabular\.noise\.delta.*> 0/],
      ['{ delta: 0.1, draws: 1 }', /defaults\.tabular\.noise\.draws.*≥ 2/],
    ] as const) {
      const file = join(tmp.dir, 'bad.yaml');
      writeFileSync(file, study(noise));
      const r = await runCli(['-q', 'study', 'run', file, '--out', join(tmp.dir, 'bad'), ...roots]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
