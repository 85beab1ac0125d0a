import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, runCli } from '../program.js';
import { reportError } from '../util/errors.js';
import type { CliIo } from '../util/io.js';
import { tempDir } from '../test-utils/tmp.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const cnn = repo('fixtures/cifar-cnn/model.onnx');
const tmp = tempDir('orderlens-vision-resume-');
afterAll(() => tmp.cleanup());

// The real CIFAR CNN on a 4×4 grid, 3 samples, 2 repeats: a few thousand model calls per sample.
const analyze = (out: string, ...more: string[]) => [
  'analyze',
  'vision',
  '--model',
  cnn,
  '--grid',
  '4',
  '--pairs',
  '4',
  '--contexts',
  '3',
  '--ratios',
  '0,0.3,0.7,1',
  '--repeats',
  '2',
  '--per-class',
  '1',
  '--samples',
  '3',
  '--heatmaps',
  '1',
  '--limit',
  '60',
  '--seed',
  '5',
  '--out',
  out,
  ...more,
];

/**
 * Runs the CLI in-process, capturing stderr, with an IO whose signal is aborted (a Ctrl-C) the
 * first time stderr matches `when`.
 */
async function runWithIo(argv: string[], when?: RegExp, isTTY = false) {
  const controller = new AbortController();
  let stderr = '';
  const io: CliIo = {
    stdout: () => {},
    stderr: (s) => {
      stderr += s;
      if (when?.test(stderr)) controller.abort();
    },
    isTTY,
    signal: controller.signal,
  };
  let code = 0;
  try {
    await buildProgram(io).parseAsync(argv, { from: 'user' });
  } catch (e) {
    code = reportError(e, io, false);
  }
  return { code, stderr };
}

interface ResultJson {
  modelCalls: number;
  strength: unknown;
  multiOrder: unknown;
  details: {
    instability: number;
    strengthPerSampleMean: unknown;
    samples: unknown[];
    selection: unknown;
    run: { resumedSamples: number };
  };
}
const resultOf = (out: string) => JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as ResultJson;
/** Every number of result.json that a resume must reproduce. */
const numbers = (r: ResultJson) => ({
  modelCalls: r.modelCalls,
  strength: r.strength,
  multiOrder: r.multiOrder,
  instability: r.details.instability,
  strengthPerSampleMean: r.details.strengthPerSampleMean,
  samples: r.details.samples,
  selection: r.details.selection,
});
const units = (out: string) => readdirSync(join(out, 'run', 'units')).sort();

describe('analyze vision: Ctrl-C and --resume', () => {
  const straight = join(tmp.dir, 'straight');

  it('Ctrl-C after the first sample keeps it; --resume ends with the numbers of an uninterrupted run', async () => {
    const ref = await runCli(['--quiet', ...analyze(straight)]);
    expect(ref.stderr).toBe('');
    expect(ref.code).toBe(0);
    expect(resultOf(straight).details.samples).toHaveLength(3);
    expect(resultOf(straight).details.run.resumedSamples).toBe(0);

    const out = join(tmp.dir, 'interrupted');
    const stopped = await runWithIo(analyze(out), /^sample 1\/3 done/m);
    expect(stopped.stderr).toMatch(/^sample 1\/3 done \(image \d+, \d+ model calls\); saved in /m);
    expect(stopped.stderr).not.toMatch(/^sample 2\/3 done/m);
    expect(stopped.stderr).toMatch(
      /interrupted: 1 of 3 samples saved in .*interrupted\/run; run the same command with --resume to continue/,
    );
    expect(stopped.code).toBe(130);
    expect(units(out)).toEqual(['sample-0.json']);
    expect(existsSync(join(out, 'result.json'))).toBe(false);

    // Starting afresh over the unfinished run is refused (it would lose the sample) ...
    const fresh = await runCli(['--quiet', ...analyze(out)]);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(/--out: .* already holds 1 finished unit\(s\) of a run; pass --resume/);
    // ... and so is a resume with options that change the numbers.
    const other = await runCli(['--quiet', ...analyze(out, '--resume', '--seed', '6', '--contexts', '4')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--resume: options differ from the run in .* \(changed: protocol, seed\)/);

    // --batch-size does not change the numbers, so a resume may change it.
    const resumed = await runWithIo(analyze(out, '--resume', '--batch-size', '7'));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming: 1 of 3 samples already done in /m);
    expect(resumed.stderr).not.toMatch(/^sample 1\/3 done/m);
    expect(resumed.stderr).toMatch(/^sample 3\/3 done/m);
    expect(units(out)).toEqual(['sample-0.json', 'sample-1.json', 'sample-2.json']);
    const a = resultOf(out);
    expect(a.details.run.resumedSamples).toBe(1);
    expect(numbers(a)).toEqual(numbers(resultOf(straight)));
    expect(a.details.instability).toBeGreaterThan(0);
  });

  it('a finished run is replaced by a new run; --resume of it recomputes nothing', async () => {
    const again = await runCli(['--quiet', ...analyze(straight, '--seed', '8')]);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const b = resultOf(straight);
    const resumed = await runWithIo(analyze(straight, '--seed', '8', '--resume'));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/^resuming: 3 of 3 samples already done/m);
    expect(resumed.stderr).not.toMatch(/sample \d\/3 done/);
    expect(numbers(resultOf(straight))).toEqual(numbers(b));
    expect(resultOf(straight).details.run.resumedSamples).toBe(3);
  });
});

/** The built executable (`npm run build`); the real-signal test needs it, as program.test.ts does. */
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

describe('analyze vision: a real SIGINT', () => {
  // Each sample takes about a second here; a Ctrl-C sent once sample 1 is saved must stop sample 2
  // between model batches (ONNX Runtime yields to the event loop per batch), not after it.
  it.skipIf(!existsSync(bin))(
    'stops the built executable inside a sample, keeping the finished one',
    async () => {
      const out = join(tmp.dir, 'sigint');
      const argv = analyze(out, '--grid', '8', '--pairs', '40', '--contexts', '10', '--samples', '2');
      const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!sent && /^sample 1\/2 done/m.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(130);
      expect(stderr).toMatch(/interrupted: 1 of 2 samples saved in .*; run the same command with --resume/);
      expect(units(out)).toEqual(['sample-0.json']);
      expect(existsSync(join(out, 'result.json'))).toBe(false);
    },
  );
});

describe('structure: Ctrl-C', () => {
  it('stops after the image in progress with exit 130 and writes nothing', async () => {
    const out = join(tmp.dir, 'structure');
    const stopped = await runWithIo(
      ['structure', '--model', cnn, '--grid', '4', '--samples', '20', '--steps', '5', '--out', out],
      /structure 1\/20/,
      true,
    );
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted after 1 of 20 images; nothing was written/);
    expect(existsSync(join(out, 'structure.json'))).toBe(false);
  });
});
