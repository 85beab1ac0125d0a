import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { OrderlensInputError } from '@orderlens/core';
import { ioOf } from '../../util/io.js';
import { parseInteger } from '../../util/options.js';
import { progressFor } from '../../util/progress.js';
import { analyzeModels } from './analyze.js';
import { strengthSummary, writeStrengthOutputs } from './strength-output.js';

/** The census MLP-5 shipped for the quickstart (tfjs files + preprocessing.json + training.json). */
export function quickstartModelDir(): string {
  // Same depth from src/commands/tabular/*.ts and dist/commands/tabular/*.js.
  return fileURLToPath(new URL('../../../assets/quickstart/', import.meta.url));
}

/** `orderlens quickstart`: the bottleneck curve of a shipped census MLP in seconds. */
export function registerQuickstart(program: Command): void {
  program
    .command('quickstart')
    .description(
      'analyse the census MLP-5 shipped with orderlens: exact J(m) over census test samples, plot + JSON',
    )
    .option('--samples <k>', 'correctly classified census test samples', '30')
    .option('--out <dir>', 'output directory', 'orderlens-out/quickstart')
    .option('--tfjs-backend <list>', 'tfjs backends to try in order', 'wasm,cpu')
    .action(async (flags: { samples: string; out: string; tfjsBackend: string }, cmd: Command) => {
      const io = ioOf(cmd);
      const t0 = performance.now();
      const samples = parseInteger(flags.samples, '--samples', { min: 1, max: 6033 });
      const dir = quickstartModelDir();
      if (!existsSync(join(dir, 'model.json')))
        throw new OrderlensInputError(
          'quickstart',
          `the shipped model is missing from ${dir}; reinstall @orderlens/cli`,
        );
      const progress = progressFor(cmd, { label: 'quickstart', total: samples, unit: 'samples' });
      const result = await analyzeModels({
        models: [{ path: join(dir, 'model.json'), label: 'census MLP-5 (shipped)' }],
        data: { dataset: 'census', split: 'test', baseline: 'mean' },
        samples,
        reward: 'log-odds',
        batchSize: 4096,
        tfjsBackend: flags.tfjsBackend,
        progress,
        signal: io.signal,
      });
      progress.finish();
      const outDir = resolve(flags.out);
      const paths = await writeStrengthOutputs(outDir, result.models, {
        data: result.data,
        baseline: result.baseline,
        title: 'Representation bottleneck of a census MLP-5',
      });
      const m = result.models[0];
      io.stdout(`${strengthSummary(m)}\n`);
      io.stdout(
        `J(m) over orders m = 0…${m.report.n - 2}: ${m.report.J.J.map((v) => v.toFixed(2)).join(' ')}\n`,
      );
      io.stdout(
        `plot: ${paths.png}\n      ${paths.svg}\ndata: ${paths.json}\n(done in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
      );
    });
}
