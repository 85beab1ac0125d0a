import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseRewardName, type RewardName } from '@orderlens/core';
import { analyzeTabularExact, TabularPreprocessor, type SampleStrength } from '@orderlens/tabular';
import { ioOf } from '../../util/io.js';
import { parseInteger, parseList } from '../../util/options.js';
import { progressFor, type ProgressReporter } from '../../util/progress.js';
import { RunStore } from '@orderlens/core';
import { baselineFor, loadRows, type DataFlags } from './data.js';
import { commandGroup } from './groups.js';
import { openRunner, preprocessingBeside, tfjsBackends } from './model-files.js';
import { strengthSummary, writeStrengthOutputs, type AnalyzedModel } from './strength-output.js';

interface AnalyzeFlags extends DataFlags {
  model: string[];
  label?: string;
  preprocessing?: string;
  samples: string;
  reward: string;
  batchSize: string;
  tfjsBackend?: string;
  out: string;
  resume?: boolean;
}

/** Options of {@link analyzeModels}. */
export interface AnalyzeModelsOptions {
  models: ReadonlyArray<{ path: string; label: string }>;
  data: DataFlags;
  preprocessing?: string;
  samples: number;
  reward: RewardName;
  batchSize: number;
  tfjsBackend?: string;
  /** Resumable store for per-sample results (units `m<k>-s<row>`). */
  store?: RunStore;
  progress?: ProgressReporter;
  signal?: AbortSignal;
}

/** Exact `J(m)` of each model over the same rows (shared by `analyze`, `quickstart`, `reproduce`). */
export async function analyzeModels(
  options: AnalyzeModelsOptions,
): Promise<{ models: AnalyzedModel[]; data: string; baseline: string }> {
  const out: AnalyzedModel[] = [];
  let data = '';
  const total = options.models.length * options.samples;
  for (const [k, m] of options.models.entries()) {
    const { runner, file } = await openRunner(m.path, { tfjsBackends: tfjsBackends(options.tfjsBackend) });
    try {
      const pre = options.preprocessing
        ? TabularPreprocessor.load(options.preprocessing)
        : preprocessingBeside(file);
      const rows = loadRows(options.data, pre);
      data = rows.source;
      const baseline = baselineFor(options.data.baseline, rows, options.data.csv === undefined);
      const unit = (s: number) => `m${k}-s${s}`;
      const previous: SampleStrength[] = [];
      if (options.store)
        for (const id of options.store.ids())
          if (id.startsWith(`m${k}-s`)) previous.push(options.store.get<SampleStrength>(id)!);
      const report = await analyzeTabularExact({
        runner,
        x: rows.x,
        y: rows.y,
        featureCount: rows.featureCount,
        featureNames: rows.featureNames,
        playerOfFeature: rows.playerOfFeature,
        baseline,
        samples: options.samples,
        reward: options.reward,
        batchSize: options.batchSize,
        previous,
        signal: options.signal,
        onSample: (s) => {
          options.store?.put(unit(s.index), s);
          options.progress?.tick();
        },
      });
      options.progress?.update(Math.min(total, (k + 1) * options.samples), total);
      out.push({ label: m.label, model: file, backend: runner.backend, report });
    } finally {
      await runner.dispose();
    }
  }
  return { models: out, data, baseline: options.data.baseline ?? 'mean' };
}

/** `orderlens analyze tabular`: exact bottleneck curves of one or more models. */
export function registerAnalyze(program: Command): void {
  commandGroup(program, 'analyze', 'measure interaction strength over orders')
    .command('tabular')
    .description(
      'exact J(m) (all 2^n coalitions) of tabular models over correctly classified samples, with the theory curve and fitted n′',
    )
    .requiredOption(
      '--model <path...>',
      'model(s): .onnx (ONNX Runtime) or tfjs model.json / its directory; one curve each',
    )
    .option('--label <names>', 'curve labels, comma-separated (default: model directory names)')
    .option(
      '--preprocessing <file>',
      'preprocessing JSON (default: preprocessing.json beside the model, else the census preset)',
    )
    .option('--dataset <name>', 'built-in dataset: census', 'census')
    .option('--csv <file>', 'analyse rows of your own CSV (with the label column)')
    .option('--split <name>', 'census split: test or train', 'test')
    .option('--samples <k>', 'correctly classified samples per model (classes alternate)', '100')
    .option(
      '--baseline <spec>',
      'absent value: mean (training mean), zero, median, custom:v1,… (model-input space)',
      'mean',
    )
    .option('--reward <name>', 'log-odds, logit, log-prob or prob', 'log-odds')
    .option('--batch-size <k>', 'coalitions per model call', '4096')
    .option('--tfjs-backend <list>', 'tfjs backends to try in order', 'wasm,cpu')
    .option('--out <dir>', 'output directory', 'orderlens-out/analyze-tabular')
    .option('--resume', 'continue an interrupted run in --out')
    .action(async (flags: AnalyzeFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const samples = parseInteger(flags.samples, '--samples', { min: 1 });
      const reward = parseRewardName(flags.reward, '--reward');
      const batchSize = parseInteger(flags.batchSize, '--batch-size', { min: 1 });
      const labels = flags.label
        ? parseList(flags.label, '--label')
        : flags.model.map((p) =>
            basename(p.endsWith('.json') || p.endsWith('.onnx') ? dirname(resolve(p)) : resolve(p)),
          );
      const outDir = resolve(flags.out);
      const data: DataFlags = {
        dataset: flags.dataset,
        csv: flags.csv,
        split: flags.split,
        baseline: flags.baseline,
      };
      const store = RunStore.open({
        dir: resolve(outDir, 'run'),
        command: 'analyze tabular',
        options: {
          models: flags.model.map((p) => resolve(p)),
          data,
          preprocessing: flags.preprocessing,
          samples,
          reward,
        },
        resume: flags.resume,
        dirField: '--out',
      });
      const progress = progressFor(cmd, {
        label: 'analyze',
        total: samples * flags.model.length,
        unit: 'samples',
      });
      const result = await analyzeModels({
        models: flags.model.map((path, k) => ({ path, label: labels[k] ?? `model ${k + 1}` })),
        data,
        preprocessing: flags.preprocessing,
        samples,
        reward,
        batchSize,
        tfjsBackend: flags.tfjsBackend,
        store,
        progress,
        signal: io.signal,
      });
      progress.finish();
      const paths = await writeStrengthOutputs(outDir, result.models, {
        data: result.data,
        baseline: result.baseline,
      });
      for (const m of result.models) io.stdout(`${strengthSummary(m)}\n`);
      io.stdout(`wrote ${paths.json}, ${paths.svg}, ${paths.png}\n`);
    });
}
