import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  adapters,
  checkBudget,
  describeCost,
  estimators,
  finishAnalysis,
  openModel,
  pairStrategy,
  parseBudget,
  parseDevice,
  planAnalysisCost,
  parseRewardName,
  planAnalysis as planAnalysisSettings,
  probeWritableDir,
  resultAdapterOptions,
  runAnalysis,
  type AnalysisBudget,
  type AnalysisPlan,
  type InteractionResult,
  type ModalityAdapter,
} from '@orderlens/core';
import { runNoiseSensitivity, type NoiseSpec } from '@orderlens/core/math';
import { cliAnalysisRendering } from '../../util/analysis-rendering.js';
import { ANALYSIS_FLAGS } from './analysis-flags.js';
import { globalFlags, ioOf } from '../../util/io.js';
import { parseInteger, parseSeed } from '../../util/options.js';
import { packageVersions } from '../../util/plugins.js';
import { modelFolders, modelName } from '../../util/model-name.js';
import { analysisProgress, progressFor } from '../../util/progress.js';
import { writeStrengthPlot } from '../../util/strength-plots.js';
import { addAdapterOptions, addAnalysisOptions, adapterOptionValues } from './analyze-options.js';

/** Flags every `analyze <modality>` command has (adapter flags come on top). */
export interface AnalysisFlags {
  model: string[];
  out: string;
  resume?: boolean;
  protocol: string;
  estimator?: string;
  contexts?: string;
  repeats?: string;
  ratios?: string;
  pairs?: string;
  radius?: string;
  maxPlayers?: string;
  preset?: string;
  niter?: string;
  samples?: string;
  perClass?: string;
  allSamples?: boolean;
  targetError?: string;
  budgetContexts?: string;
  reward: string;
  seed: string;
  device: string;
  batchSize: string;
  threads?: string;
  keepDenormals?: boolean;
  /** Refuse a plan above this many model calls (`2e6`) or this long (`10m`). */
  budget?: string;
  /** Print the plan (calls, estimated time) and exit. */
  dryRun?: boolean;
}

/** What an analysis run is, fully parsed, before any model is opened (built by core). */
export type { AnalysisPlan };

/** Parses the shared flags into a plan (estimator, pairs, selection); errors name the flag. */
export function planAnalysis(
  adapter: ModalityAdapter,
  flags: AnalysisFlags,
  adapterOptions: Record<string, unknown>,
): AnalysisPlan {
  // The same plan a study entry gets (core's planAnalysis), with the fields named by their flags.
  return planAnalysisSettings(adapter, flags, adapterOptions, (key) => ANALYSIS_FLAGS[key]);
}

/** `orderlens analyze <modality>`, one subcommand per registered adapter. */
export function registerAnalyze(program: Command): void {
  const group = program.commands.find((c) => c.name() === 'analyze') ?? program.command('analyze');
  group.description('multi-order interaction strength J(m) of a model on one modality');
  for (const adapter of adapters.list()) {
    const cmd = group.command(adapter.name).description(adapter.description);
    addAnalysisOptions(cmd, adapter);
    cmd.option(
      '--dry-run',
      'print the plan (model calls per sample and in all, time measured on one warm-up batch) and exit; writes nothing',
    );
    addAdapterOptions(cmd, adapter.options);
    cmd.action(async (flags: AnalysisFlags & Record<string, unknown>, command: Command) => {
      const io = ioOf(command);
      // Everything is checked before the first model is opened or the first file written.
      const adapterOptions = adapterOptionValues(command, adapter.options, flags);
      const plan = planAnalysis(adapter, flags, adapterOptions);
      const reward = parseRewardName(flags.reward, '--reward');
      const seed = parseSeed(flags.seed);
      const device = parseDevice(flags.device);
      const batchSize = parseInteger(flags.batchSize, '--batch-size', { min: 1 });
      const threads =
        flags.threads !== undefined ? parseInteger(flags.threads, '--threads', { min: 1 }) : undefined;
      const budget = flags.budget !== undefined ? parseBudget(flags.budget) : undefined;
      const dryRun = flags.dryRun === true;
      // A dry run writes nothing, so it does not create or probe --out either.
      const out = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
      const models = flags.model;
      // Sub-folders and legends by model name (meta.json's name or the model's folder), not
      // by file name: every fixture's file is model.onnx.
      const folders = modelFolders(models);
      const labels = models.map((_, k) => (models.length > 1 ? folders[k] : ''));
      const results: Array<{ label: string; result: InteractionResult }> = [];
      for (const [k, spec] of models.entries()) {
        const dir = labels[k] ? join(out, 'models', labels[k]) : out;
        const result = await runOrPlanModel({
          plan,
          spec,
          dir,
          reward,
          seed,
          device,
          batchSize,
          threads,
          keepDenormals: flags.keepDenormals === true,
          flags,
          command,
          io,
          budget,
          dryRun,
        });
        if (!result) continue;
        results.push({
          label: models.length > 1 ? folders[k] : modelName(result.provenance.model?.file ?? spec),
          result,
        });
      }
      if (dryRun) return;
      if (dryRun) return;
      const plot = await writeStrengthPlot(
        out,
        results,
        `Interaction strength over orders — ${adapter.name}`,
      );
      io.stdout(`wrote ${plot.svg}\n`);
    });
  }
}

/** What {@link analyzeModel} takes. */
export interface AnalyzeModelArgs {
  plan: AnalysisPlan;
  spec: string;
  dir: string;
  reward: ReturnType<typeof parseRewardName>;
  seed: number | string;
  device: ReturnType<typeof parseDevice>;
  batchSize: number;
  threads?: number;
  /** Keep denormal floats (ONNX Runtime flushes them to zero by default). */
  keepDenormals?: boolean;
  flags: Pick<AnalysisFlags, 'resume' | 'budget'>;
  command: Command;
  io: ReturnType<typeof ioOf>;
  /** With it, the noise-sensitivity measure runs beside the estimate (`orderlens noise-sensitivity`). */
  noise?: NoiseSpec;
  /** Name of the command, for the run store and the progress line (default `analyze <modality>`). */
  commandName?: string;
  /** Adds pictures of the finished result (the measures' plots) to its `outputs`. */
  extraOutputs?: (result: InteractionResult, dir: string) => Promise<Record<string, unknown>>;
  /** Refuse a plan above it (default: `flags.budget`, parsed). */
  budget?: AnalysisBudget;
  /** Print the plan and return without computing anything. */
  dryRun?: boolean;
}

/**
 * Analyses one model into `dir` (result.json, plot, pictures) and prints a summary; the plan
 * (model calls, estimated time) is printed and checked against `--budget` before selection.
 */
export async function analyzeModel(args: AnalyzeModelArgs): Promise<InteractionResult> {
  return (await runOrPlanModel({ ...args, dryRun: false }))!;
}

/** {@link analyzeModel}, or with `dryRun` only the plan (returns undefined then). */
async function runOrPlanModel(args: AnalyzeModelArgs): Promise<InteractionResult | undefined> {
  const { plan, io, command } = args;
  const budget =
    args.budget ?? (args.flags.budget !== undefined ? parseBudget(args.flags.budget) : undefined);
  const progress = progressFor(command, {
    label: `${args.commandName ?? `analyze ${plan.adapter.name}`} (${plan.protocol})`,
    unit: 'samples',
  });
  const warnings: string[] = [];
  const model = await openModel({
    spec: args.spec,
    device: args.device,
    threads: args.threads,
    keepDenormals: args.keepDenormals,
    // Which devices were tried and skipped is noise on every run; the one used is in the result.
    log: (m) => (globalFlags(command).debug ? progress.log(m) : undefined),
  });
  try {
    const session = await plan.adapter.open({
      options: plan.adapterOptions,
      model,
      signal: io.signal,
      warn: (m) => {
        warnings.push(m);
        io.stderr(`warning: ${m}\n`);
      },
    });
    try {
      const estimator = estimators.get(plan.estimatorName);
      const path = join(args.dir, 'result.json');
      // Writes result.json (with pictures and the plot) before core marks the run complete.
      const finish = (result: InteractionResult): Promise<InteractionResult> =>
        finishAnalysis(result, {
          dir: args.dir,
          resultPath: path,
          session,
          warnings,
          modelLabel: modelName(model.file),
          rendering: cliAnalysisRendering,
          extraOutputs: args.extraOutputs,
        });
      const run = args.noise
        ? (o: Parameters<typeof runAnalysis>[0]) => runNoiseSensitivity({ ...o, noise: args.noise! })
        : runAnalysis;
      const runOptions: Parameters<typeof runAnalysis>[0] = {
        modality: plan.adapter.name,
        session,
        model,
        estimator,
        estimatorOptions: plan.estimatorOptions,
        pairs: plan.pairs ? pairStrategy(plan.pairs) : undefined,
        selection: plan.selection,
        reward: args.reward,
        seed: args.seed,
        batchSize: args.batchSize,
        cacheLimit: 250_000,
        // Coalitions per request from the estimator: its progress (the bar inside a sample) moves
        // once per request, so requests of 8,192 move it every few seconds. The numbers and the
        // model calls do not depend on it (randomness is keyed by pair, order and context).
        chunkSize: 8192,
        run: {
          out: args.dir,
          resume: args.flags.resume === true,
          finish,
          ...(args.commandName ? { command: args.commandName } : {}),
        },
        fingerprint: { protocol: plan.protocol, adapterOptions: resultAdapterOptions(plan) },
        options: {
          protocol: plan.protocol,
          ...plan.adapterOptions,
          batchSize: args.batchSize,
          device: args.device,
        },
        packages: packageVersions(),
        signal: io.signal,
        onEvent: analysisProgress(progress, (m) => io.stderr(`warning: ${m}\n`)),
      };
      const cost = await planAnalysisCost(runOptions);
      if (args.dryRun) {
        io.stdout(`${describeCost(cost)}\n`);
        if (budget) checkBudget(cost, budget);
        return undefined;
      }
      progress.log(describeCost(cost));
      if (budget) checkBudget(cost, budget);
      const final = await run({
        ...runOptions,
        // The plan and its warm-up rows (not in modelCalls: they never reach a sample) are provenance.
        options: {
          ...runOptions.options,
          plan: {
            callsPerSample: cost.callsPerSample,
            plannedCalls: cost.totalCalls,
            warmupRows: cost.warmupRows,
            modelBatchRows: cost.modelBatchRows,
            ...(cost.estimatedSeconds !== undefined
              ? { estimatedSeconds: Math.round(cost.estimatedSeconds) }
              : {}),
          },
        },
      });
      progress.finish();
      const J = final.aggregate.strength.J;
      io.stdout(
        `${args.commandName ?? `analyze ${plan.adapter.name}`}: ${final.samples.length} samples, n = ${final.n}, ${plan.estimatorName} (${plan.protocol}), ` +
          `${final.modelCalls.total} model calls on ${model.format}:${model.device}, instability ${final.aggregate.instability === null ? 'n/a' : final.aggregate.instability.toFixed(4)}` +
          `${final.aggregate.theory.effectiveN !== undefined ? `, n′ = ${final.aggregate.theory.effectiveN}` : ''}; wrote ${path}\n`,
      );
      io.stdout(
        `J(m) by ratio: ${final.ratios.map((r, k) => `${+r.toFixed(3)}:${J[k].toFixed(3)}`).join(' ')}\n`,
      );
      return final;
    } finally {
      await session.dispose?.();
    }
  } finally {
    await model.runner.dispose();
  }
}
