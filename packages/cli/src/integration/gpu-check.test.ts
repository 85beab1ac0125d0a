import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-utils/tmp.js';

/*
 * tools/gpu/check.sh: its CPU-only path (this project's machines have no GPU; the GPU path is
 * untested) and the comparison it prints on a GPU machine, fed with constructed results.
 */

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const script = join(repo, 'tools/gpu/check.sh');
const compareScript = join(repo, 'tools/gpu/gpu-check.mjs');
const bin = join(repo, 'packages/cli/dist/bin.js');
const hasGpu = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' }).status === 0;
const tmp = tempDir('orderlens-gpu-check-');
afterAll(() => tmp.cleanup());

const run = (cmd: string, args: string[]) =>
  spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', timeout: 120_000 });

describe('tools/gpu/check.sh', () => {
  it.skipIf(hasGpu || !existsSync(bin))(
    'on a machine without a GPU says that no GPU provider is available and exits 0',
    () => {
      const r = run('bash', [script, '--no-install']);
      expect(r.stdout).toMatch(/onnx cuda: unavailable — /);
      expect(r.stdout).toMatch(/onnx webgpu: unavailable — /);
      expect(r.stdout).toMatch(
        /\nNo GPU provider is available on this machine: nothing to compare with the CPU\.\n$/,
      );
      expect(r.status).toBe(0);
    },
  );

  it('refuses an unknown option, a bad --samples and an unknown device, exit 2', () => {
    const a = run('bash', [script, '--gpu']);
    expect(a.stderr).toMatch(/unknown option --gpu/);
    expect(a.status).toBe(2);
    const b = run('bash', [script, '--samples', 'five']);
    expect(b.stderr).toMatch(/--samples expects a positive integer, got 'five'/);
    expect(b.status).toBe(2);
    const c = run('bash', [script, '--devices', 'cuda,tpu']);
    expect(c.stderr).toMatch(/--devices expects a comma-separated list of cpu, cuda, webgpu; got 'tpu'/);
    expect(c.status).toBe(2);
  });
});

describe('tools/gpu/gpu-check.mjs compare', () => {
  // The fields of a result document the comparison reads.
  const result = (device: string, raw: number[], rawError: number[], wallTimeMs: number) => ({
    modelCalls: { total: 10_000 },
    provenance: { device, wallTimeMs },
    samples: [{ id: 'image-1' }, { id: 'image-2' }],
    ratios: [0, 0.5, 1],
    aggregate: { raw, rawError },
  });
  const write = (name: string, doc: object) => {
    const path = join(tmp.dir, name);
    writeFileSync(path, JSON.stringify(doc));
    return path;
  };
  const cpu = write('cpu.json', result('cpu', [1, 0.2, 0.8], [0.1, 0.02, 0.05], 10_000));

  it('prints rows/s and J(m) beside the CPU and exits 0 when they agree within the error bars', () => {
    const gpu = write('cuda.json', result('cuda', [1.05, 0.21, 0.8], [0.1, 0.02, 0.05], 2_000));
    const r = run(process.execPath, [compareScript, 'compare', cpu, gpu]);
    expect(r.stdout).toMatch(/^cpu \(cpu\): 1000 rows\/s\ncuda: 5000 rows\/s \(5\.00× the CPU\)/);
    expect(r.stdout).toMatch(/0\.5 +0\.2000 +0\.2100 +0\.0100 +0\.0566 +agrees/);
    expect(r.stdout).toMatch(/every GPU J\(m\) agrees with the CPU within the error bars/);
    expect(r.status).toBe(0);
  });

  it('exits 1 naming the orders that differ beyond the error bars', () => {
    const gpu = write('webgpu.json', result('webgpu', [1, 0.4, 0.8], [0.1, 0.02, 0.05], 2_000));
    const r = run(process.execPath, [compareScript, 'compare', cpu, gpu]);
    expect(r.stdout).toMatch(/0\.5 +0\.2000 +0\.4000 +0\.2000 +0\.0566 +DIFFERS/);
    expect(r.stdout).toMatch(/1 order\(s\) differ from the CPU beyond the error bars/);
    expect(r.status).toBe(1);
  });
});
