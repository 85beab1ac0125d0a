import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpointManifest, type EpochStats } from '@orderlens/runtime-tfjs';
import { buildProgram, runCli } from '../program.js';
import { loadPlugins } from '../util/plugins.js';
import { reportError } from '../util/errors.js';
import type { CliIo } from '../util/io.js';
import { tempDir } from '../test-utils/tmp.js';
import { lacks } from '@orderlens/core/testing';

const tmp = tempDir('orderlens-resume-');
afterAll(() => tmp.cleanup());

// A small, fast run with an order loss: 500 census rows, MLP-2, 2 epochs.
const args = (out: string, epochs: number, ...more: string[]) => [
  'train',
  'tabular',
  '--arch',
  'mlp2',
  '--hidden',
  '16',
  '--order-loss',
  'high',
  '--train-rows',
  '500',
  '--batch-size',
  '32',
  '--epochs',
  String(epochs),
  '--seed',
  '3',
  '--out',
  out,
  ...more,
];

/**
 * Runs the CLI like `runCli`, but with an IO whose signal is aborted as soon as the command
 * reports epoch `abortAfter` on stderr: a Ctrl-C at a known point of the run.
 */
async function runInterrupted(argv: string[], abortAfter: number) {
  const controller = new AbortController();
  let stderr = '';
  const io: CliIo = {
    stdout: () => {},
    stderr: (s) => {
      stderr += s;
      if (new RegExp(`^epoch ${abortAfter}/`, 'm').test(s)) controller.abort();
    },
    isTTY: false,
    signal: controller.signal,
  };
  let code = 0;
  try {
    await buildProgram(io, await loadPlugins()).parseAsync(argv, { from: 'user' });
  } catch (e) {
    code = reportError(e, io, false);
  }
  return { code, stderr };
}

const weightsOf = (dir: string) => readFileSync(join(dir, 'weights.bin'));
const historyOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'training.json'), 'utf8')) as { history: EpochStats[] }).history.map(
    ({ seconds: _s, ...rest }) => rest,
  );

describe('train tabular: checkpoints, Ctrl-C and --resume', () => {
  const straight = join(tmp.dir, 'straight');

  it('Ctrl-C after epoch 1 keeps the checkpoint; --resume ends with the weights of the uninterrupted run', async () => {
    const ref = await runCli(['--quiet', ...args(straight, 2)]);
    expect(ref.stderr).toBe('');
    expect(ref.code).toBe(0);

    const out = join(tmp.dir, 'interrupted');
    const stopped = await runInterrupted(args(out, 2), 1);
    expect(stopped.stderr).toMatch(/^epoch 1\/2: loss \d/m);
    expect(stopped.stderr).not.toMatch(/^epoch 2\//m);
    expect(stopped.stderr).toMatch(
      /interrupted after epoch 1 of 2; the checkpoint in .*interrupted\/checkpoint keeps it: run the same command with --resume/,
    );
    expect(stopped.code).toBe(130);
    expect(existsSync(join(out, 'model.json'))).toBe(false); // no unfinished model is published
    const m = readCheckpointManifest(join(out, 'checkpoint'));
    expect([m.epochsDone, m.epochsPlanned]).toEqual([1, 2]);

    // Starting afresh over an interrupted run is refused: it would lose the epoch.
    const fresh = await runCli(['--quiet', ...args(out, 2)]);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(
      /--out: .* holds an interrupted training run \(1 of 2 epochs done\); pass --resume/,
    );

    const resumed = await runCli(['--quiet', ...args(out, 2, '--resume')]);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/\(resumed after epoch 1\)/);
    expect(weightsOf(out).equals(weightsOf(straight))).toBe(true);
    expect(historyOf(out)).toEqual(historyOf(straight));
  });

  it('--epochs 1, then --epochs 2 --resume, equals 2 epochs in one go', async () => {
    const out = join(tmp.dir, 'extended');
    const one = await runCli(['--quiet', ...args(out, 1)]);
    expect(one.code).toBe(0);
    expect(weightsOf(out).equals(weightsOf(straight))).toBe(false);
    const two = await runCli(['--quiet', ...args(out, 2, '--resume')]);
    expect(two.code).toBe(0);
    expect(weightsOf(out).equals(weightsOf(straight))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'training.json'), 'utf8')).resumedEpochs).toBe(1);
  });

  it('refuses --resume without a checkpoint or with different options', async () => {
    const none = await runCli(['--quiet', ...args(join(tmp.dir, 'empty'), 2, '--resume')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--resume: no checkpoint in .*empty\/checkpoint/);
    const lr = await runCli(['--quiet', ...args(straight, 3, '--resume', '--learning-rate', '0.01')]);
    expect(lr.code).toBe(2);
    expect(lr.stderr).toMatch(
      /--resume: the checkpoint in .* different learning rate: checkpoint 0.001, now 0.01/,
    );
    const fewer = await runCli(['--quiet', ...args(straight, 1, '--resume')]);
    expect(fewer.code).toBe(2);
    expect(fewer.stderr).toMatch(/--epochs: the checkpoint .* already holds 2 epochs, more than the 1 asked/);
  });
});

/** The built executable (`npm run build`); the real-signal test needs it, as program.test.ts does. */
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

describe('train tabular: a real SIGINT', () => {
  // Guards the event-loop turns in training: without them the SIGINT handler never ran until
  // training had ended, and Ctrl-C was ignored.
  it.skipIf(lacks('built CLI', 'training resume through the built executable'))(
    'stops the built executable at an epoch boundary with exit 130 and a checkpoint',
    async () => {
      const out = join(tmp.dir, 'sigint');
      const child = spawn(process.execPath, [bin, ...args(out, 50)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let sent = false;
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (!sent && /^epoch 1\//m.test(stderr)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(code).toBe(130);
      const done = Number(/interrupted after epoch (\d+) of 50; .* --resume to continue/.exec(stderr)?.[1]);
      expect(done).toBeGreaterThanOrEqual(1);
      expect(done).toBeLessThan(50);
      const m = readCheckpointManifest(join(out, 'checkpoint'));
      expect([m.epochsDone, m.epochsPlanned]).toEqual([done, 50]);
    },
  );
});

describe('train vision: --resume', () => {
  it('--epochs 1, then --epochs 2 --resume, equals 2 epochs in one go', async () => {
    const vision = (out: string, epochs: number, ...more: string[]) =>
      runCli([
        '--quiet',
        'train',
        'vision',
        '--limit',
        '120',
        '--grid',
        '4',
        '--order-loss',
        'high',
        '--batch-size',
        '32',
        '--epochs',
        String(epochs),
        '--out',
        out,
        ...more,
      ]);
    const straight = join(tmp.dir, 'vision-straight');
    const out = join(tmp.dir, 'vision-resumed');
    expect((await vision(straight, 2)).code).toBe(0);
    expect((await vision(out, 1)).code).toBe(0);
    const resumed = await vision(out, 2, '--resume');
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(weightsOf(out).equals(weightsOf(straight))).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'));
    expect(meta.history.map((h: EpochStats) => h.epoch)).toEqual([0, 1]);
    expect(meta.training.resumedEpochs).toBe(1);
  });
});
