import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  optionField,
  parseAdapterOptions,
  parseDevice,
  probeWritableDir,
  settingsBlock,
} from '@orderlens/core';
import { tabularAdapter } from '@orderlens/tabular';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import { addBlockOptions, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { analyzeModel, planAnalysis } from '../../analysis/analyze-model.js';

/** The census MLP-5 shipped for the quickstart (tfjs files + preprocessing.json + training.json). */
export function quickstartModelDir(): string {
  // Same depth from src/commands/tabular/*.ts and dist/commands/tabular/*.js.
  return fileURLToPath(new URL('../../../assets/quickstart/', import.meta.url));
}

/** The count of `quickstart`, one schema; `--help` and the parsing are derived from it. */
export const QUICKSTART_OPTIONS = settingsBlock({
  samples: optionField(
    integerFlag({ min: 1, max: 6033 }).prefault('30').describe('correctly classified census test samples'),
    { argument: '<k>' },
  ),
});

/** `orderlens quickstart`: the bottleneck curve of a shipped census MLP in seconds (`analyze tabular` on it). */
export function registerQuickstart(program: Command): void {
  const cmd = program
    .command('quickstart')
    .description(
      'analyse the census MLP-5 shipped with orderlens: exact J(m) over census test samples, plot + JSON (orderlens analyze tabular on the shipped model)',
    );
  addBlockOptions(cmd, QUICKSTART_OPTIONS)
    .option('--out <dir>', 'output directory', 'orderlens-out/quickstart')
    .option('--device <name>', 'auto | cpu | cuda | wasm', 'auto');
  cmd.action(async (flags: { samples: string; out: string; device: string }, cmd: Command) => {
    const io = ioOf(cmd);
    interruptPolicy(cmd, INTERRUPT_POLICIES.dropSample);
    const t0 = performance.now();
    const { samples } = parseBlockFlags(QUICKSTART_OPTIONS, { samples: flags.samples });
    const dir = quickstartModelDir();
    const model = join(dir, 'model.json');
    if (!existsSync(model))
      throw new OrderlensInputError(
        'quickstart',
        `the shipped model is missing from ${dir}; reinstall @orderlens/cli`,
      );
    const out = probeWritableDir(resolve(flags.out), '--out');
    const adapterOptions = parseAdapterOptions(tabularAdapter.options, {
      dataset: 'census',
      split: 'test',
    });
    const plan = planAnalysis(
      tabularAdapter,
      {
        model: [model],
        out,
        protocol: 'exact',
        reward: 'log-odds',
        seed: '0',
        device: flags.device,
        batchSize: '4096',
        samples: String(samples),
      },
      adapterOptions,
    );
    const result = await analyzeModel({
      plan,
      spec: model,
      dir: out,
      reward: 'log-odds',
      seed: 0,
      device: parseDevice(flags.device),
      batchSize: 4096,
      flags: { resume: false },
      command: cmd,
      io,
    });
    const J = result.aggregate.strength.J;
    io.stdout(
      `J(m) over orders m = 0…${result.n - 2}: ${J.map((v) => v.toFixed(2)).join(' ')}\n` +
        `plot: ${join(out, 'strength.png')}\n      ${join(out, 'strength.svg')}\ndata: ${join(out, 'result.json')}\n(done in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
  });
}
