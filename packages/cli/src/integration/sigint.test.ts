import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult, type InteractionResult } from '@orderlens/core';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';
import { lacks, scaledTimeout } from '@orderlens/core/testing';

/*
 * A real SIGINT to the built executable (`npm run build`), for the commands whose Ctrl-C used to
 * be ignored: `analyze tabular` with a tfjs model (TensorFlow.js never yields to the event loop
 * by itself, so the handler never ran), `analyze tabular` with an ONNX model, and
 * `reproduce census` (training was not given the signal). Each must exit 130 after printing what
 * the first Ctrl-C does, keep the finished units, and reach after `--resume` exactly the result
 * of an uninterrupted run, model calls included.
 */

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const bin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const tmp = tempDir('orderlens-sigint-');
afterAll(() => tmp.cleanup());

/**
 * Runs the built CLI and sends it one SIGINT as soon as `trigger` exists (a unit file: the next
 * unit is then under way). Resolves with the exit code, the signal and stderr.
 */
function interruptWhen(
  argv: string[],
  trigger: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const poll = setInterval(() => {
    if (existsSync(trigger)) {
      clearInterval(poll);
      child.kill('SIGINT');
    }
  }, 5);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stderr });
    }),
  );
}

const units = (runDir: string) =>
  existsSync(join(runDir, 'units')) ? readdirSync(join(runDir, 'units')).sort() : [];
const resultOf = (path: string) => parseResult(JSON.parse(readFileSync(path, 'utf8')));
/** Every number of a result that a resume must reproduce (timings and paths aside). */
const numbers = (r: InteractionResult) => ({
  n: r.n,
  orders: r.orders,
  ratios: r.ratios,
  estimator: r.estimator,
  modelCalls: r.modelCalls,
  aggregate: r.aggregate,
  samples: r.samples.map(({ wallTimeMs: _t, ...rest }) => rest),
  selection: r.selection,
  seed: r.provenance.seed,
  model: r.provenance.model?.sha256,
});

describe.skipIf(lacks('built CLI', 'real SIGINTs to the built executable'))(
  'a real SIGINT: exit 130, finished units kept, --resume exact',
  () => {
    for (const [format, model] of [
      ['tfjs', repo('fixtures/census-mlp5/tfjs/model.json')],
      ['ONNX', repo('fixtures/census-mlp5/model.onnx')],
    ] as const) {
      it(`analyze tabular with a model in ${format}`, { timeout: scaledTimeout(120_000) }, async () => {
        const args = (out: string) => [
          'analyze',
          'tabular',
          '--model',
          model,
          '--samples',
          '12',
          '--out',
          out,
        ];
        const straight = join(tmp.dir, `${format}-straight`);
        const ref = await runCli(['--quiet', ...args(straight)]);
        expect(ref.code, ref.stderr).toBe(0);
        const reference = resultOf(join(straight, 'result.json'));
        expect(reference.samples).toHaveLength(12);

        const out = join(tmp.dir, `${format}-interrupted`);
        const stopped = await interruptWhen(
          ['--quiet', ...args(out)],
          join(out, 'run', 'units', 'sample-1.json'),
        );
        // The line printed at once says what the first Ctrl-C does in an analysis …
        expect(stopped.stderr).toMatch(
          /^interrupted: dropping the sample under way; the finished samples stay saved for --resume; Ctrl-C again to abort at once$/m,
        );
        // … and the last one what happened, with the resume hint. The signal can land inside a
        // sample (named as dropped) or between two samples (nothing under way to drop): on a busy
        // machine either happens, and both are right.
        const saved = units(join(out, 'run')).filter((u) => u.startsWith('sample-'));
        expect(stopped.stderr).toMatch(
          new RegExp(
            `interrupted: (sample \\d+ \\(row-\\d+\\), which was under way, was dropped; )?${saved.length} of 12 samples saved in .*; run the same command with --resume to continue\\n$`,
          ),
        );
        expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 130, signal: null });
        expect(saved).toEqual(expect.arrayContaining(['sample-0.json', 'sample-1.json']));
        expect(saved.length).toBeLessThan(12);
        expect(existsSync(join(out, 'result.json'))).toBe(false);

        const resumed = await runCli(['--quiet', ...args(out), '--resume']);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(numbers(resultOf(join(out, 'result.json')))).toEqual(numbers(reference));
      });
    }

    it(
      'reproduce census --quick: Ctrl-C inside a training run finishes its epoch',
      { timeout: scaledTimeout(300_000) },
      async () => {
        const args = (out: string) => [
          'reproduce',
          'census',
          '--quick',
          '--seed',
          '0',
          '--archs',
          'mlp5',
          '--losses',
          'normal,high',
          '--epochs',
          '3',
          '--train-rows',
          '2000',
          '--attack-rows',
          '200',
          '--samples',
          '2',
          '--out',
          out,
        ];
        const straight = join(tmp.dir, 'reproduce-straight');
        const ref = await runCli(['--quiet', ...args(straight)]);
        expect(ref.code, ref.stderr).toBe(0);

        const out = join(tmp.dir, 'reproduce-interrupted');
        // Once the high-order model's first epoch is checkpointed, its second epoch is under way.
        const checkpoint = join(out, 'models', 'seed0', 'mlp5-high', 'checkpoint', 'checkpoint.json');
        const stopped = await interruptWhen(['--quiet', ...args(out)], checkpoint);
        expect(stopped.stderr).toMatch(
          /^interrupted: finishing the training epoch or PGD attack under way, or dropping the J\(m\) sample under way; finished steps stay saved for --resume; Ctrl-C again to abort at once$/m,
        );
        expect(stopped.stderr).toMatch(
          /\ninterrupted: after epoch 2 of 3; the checkpoint in .*mlp5-high\/checkpoint keeps it; 3 of 6 steps \(train, attack, analyse per model\) finished and saved in .* \(last: analysed s0-mlp5-normal\); run the same command with --resume to continue\n$/,
        );
        expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: 130, signal: null });
        // The first model is trained, attacked and analysed; the second kept two epochs.
        expect(units(join(out, 'run'))).toEqual(['attack-s0-mlp5-normal.json', 'train-s0-mlp5-normal.json']);
        expect(existsSync(join(out, 'analysis', 'seed0', 'mlp5-normal', 'result.json'))).toBe(true);
        const manifest = JSON.parse(readFileSync(checkpoint, 'utf8')) as { epochsDone: number };
        expect(manifest.epochsDone).toBe(2);
        expect(existsSync(join(out, 'reproduce.json'))).toBe(false);

        const resumed = await runCli(['--quiet', ...args(out), '--resume']);
        expect(resumed.code, resumed.stderr).toBe(0);
        const table = (dir: string) => {
          const j = JSON.parse(readFileSync(join(dir, 'reproduce.json'), 'utf8').split(dir).join('OUT')) as {
            training: Array<{ wallTimeMs?: number }>;
          };
          for (const t of j.training) delete t.wallTimeMs;
          return j;
        };
        expect(table(out)).toEqual(table(straight));
        for (const m of ['mlp5-normal', 'mlp5-high']) {
          const a = resultOf(join(out, 'analysis', 'seed0', m, 'result.json'));
          const b = resultOf(join(straight, 'analysis', 'seed0', m, 'result.json'));
          expect(numbers(a)).toEqual(numbers(b));
        }
      },
    );
  },
);
