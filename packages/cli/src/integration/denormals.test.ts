import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult, type InteractionResult } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

/*
 * Denormals flushed (the default) against kept (--keep-denormals): the same J(m), within float32
 * rounding, on the fixture CIFAR CNN. ONNX Runtime settles denormal handling once per process, so
 * each run is its own process (the built executable).
 */

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const tmp = tempDir('orderlens-denormals-');
afterAll(() => tmp.cleanup());

const analyze = (out: string, ...extra: string[]) => [
  'analyze',
  'vision',
  '--model',
  cnn,
  '--grid',
  '4',
  '--pairs',
  '6',
  '--contexts',
  '4',
  '--ratios',
  '0,0.5,1',
  '--samples',
  '2',
  '--out',
  out,
  '-q',
  ...extra,
];

async function runBin(argv: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  return { code, stderr };
}

const resultOf = (dir: string): InteractionResult =>
  parseResult(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));

describe('denormals: flushed by default, kept with --keep-denormals', () => {
  it.skipIf(!existsSync(bin))(
    'gives the same J(m) within float32 rounding, and records which in the provenance',
    async () => {
      const flushed = join(tmp.dir, 'flushed');
      const kept = join(tmp.dir, 'kept');
      const a = await runBin(analyze(flushed));
      expect(a.stderr).toBe('');
      expect(a.code).toBe(0);
      const b = await runBin(analyze(kept, '--keep-denormals'));
      expect(b.stderr).toBe('');
      expect(b.code).toBe(0);
      const [ra, rb] = [resultOf(flushed), resultOf(kept)];
      expect(ra.provenance.model!.runtime).toMatchObject({ denormals: 'flushed' });
      expect(rb.provenance.model!.runtime).toMatchObject({ denormals: 'kept' });
      // The same samples, pairs and contexts (same seed), so the only difference is the arithmetic.
      expect(ra.samples.map((s) => s.id)).toEqual(rb.samples.map((s) => s.id));
      expect(ra.modelCalls.total).toBe(rb.modelCalls.total);
      const Ja = ra.aggregate.strength.J;
      const Jb = rb.aggregate.strength.J;
      const scale = Math.max(...Ja.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      // float32 rounding of the logits (2^-24 relative) carried through the log-odds differences:
      // 1e-5 of the largest J(m) is far above it and far below any real change.
      for (let k = 0; k < Ja.length; k++) expect(Math.abs(Ja[k] - Jb[k])).toBeLessThanOrEqual(1e-5 * scale);
    },
  );

  it('refuses --keep-denormals in a process that already flushes them, naming the flag, exit 2', async () => {
    // In this test process the first ONNX Runtime session flushes (the default run below).
    const first = await runCli(analyze(join(tmp.dir, 'in-process'), '--samples', '1'));
    expect(first.code).toBe(0);
    const r = await runCli(analyze(join(tmp.dir, 'in-process-keep'), '--samples', '1', '--keep-denormals'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--keep-denormals: this process already flushes denormals to zero/);
  });
});
