import { join } from 'node:path';
import type { Command } from 'commander';
import {
  checkBudget,
  describeCost,
  pacedBatchSize,
  estimators,
  finishAnalysis,
  flagName,
  openModel,
  pairStrategy,
  parseBudget,
  parseDevice,
  planAnalysisCost,
  parseRewardName,
  planAnalysis as planAnalysisSettings,
  resultAdapterOptions,
  runAnalysis,
  sampleUnitId,
  storedRunProgress,
  type AnalysisBudget,
  type AnalysisPlan,
  type InteractionResult,
  type ModalityAdapter,
} from '@orderlens/core';
import { noiseUnitId, runNoiseSensitivity, type NoiseSpec } from '@orderlens/core/math';
import { cliAnalysisRendering } from '../util/analysis-rendering.js';
import { analysisFlag } from './analysis-flags.js';
import { globalFlags, ioOf } from '../util/io.js';
import { packageVersions } from '../util/plugins.js';
import { modelName } from '../util/model-name.js';
import { analysisProgress, progressFor } from '../util/progress.js';

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
  antithetic?: boolean;
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
  return planAnalysisSettings(adapter, flags, adapterOptions, analysisFlag);
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
export async function runOrPlanModel(args: AnalyzeModelArgs): Promise<InteractionResult | undefined> {
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
      // A resume plans only what is left; a finished run's resume plans nothing (no warm-up).
      const resumed =
        args.flags.resume === true
          ? storedRunProgress(args.dir, args.noise ? (s) => [sampleUnitId(s), noiseUnitId(s)] : undefined)
          : undefined;
      const playersOption = plan.adapter.options.descriptors.find(
        (d) => d.key === plan.adapter.playersOption,
      );
      const cost = await planAnalysisCost(runOptions, {
        ...(args.noise ? { noiseDraws: args.noise.draws } : {}),
        ...(playersOption ? { playersField: flagName(playersOption) } : {}),
        ...(resumed ? { resumed } : {}),
      });
      // A batch size the user left at its default is lowered for a slow model (see pacedBatchSize).
      const chosen =
        command.getOptionValueSource('batchSize') === 'default' ? pacedBatchSize(cost) : args.batchSize;
      const pacing =
        chosen < args.batchSize
          ? `batch size ${chosen}: a batch of ${args.batchSize} rows would take about ${Math.round(args.batchSize * cost.secondsPerCall!)} s on this model; smaller batches keep progress and Ctrl-C within seconds (same numbers; --batch-size sets it)`
          : undefined;
      if (args.dryRun) {
        io.stdout(`${describeCost(cost)}\n${pacing ? `${pacing}\n` : ''}`);
        if (budget) checkBudget(cost, budget);
        return undefined;
      }
      progress.log(describeCost(cost));
      if (pacing) progress.log(pacing);
      if (budget) checkBudget(cost, budget);
      const final = await run({
        ...runOptions,
        batchSize: chosen,
        // The plan and its warm-up rows (not in modelCalls: they never reach a sample) are provenance.
        options: {
          ...runOptions.options,
          batchSize: chosen,
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
      const errorBar = describeStrengthInterval(final);
      if (errorBar) io.stdout(`${errorBar}\n`);
      return final;
    } finally {
      await session.dispose?.();
    }
  } finally {
    await model.runner.dispose();
  }
}

/**
 * The summary line of the run-wide interval of J(m) (`aggregate.strengthInterval`): its relative
 * half-width per ratio and the ratios whose half-width is above the target, so that a budget too
 * small for ±5 % is said in the summary rather than hidden behind a tight-looking curve.
 */
export function describeStrengthInterval(result: InteractionResult): string | undefined {
  const iv = result.aggregate.strengthInterval;
  if (!iv) return undefined;
  const pct = (e: number | null) => (e === null ? '∞' : `${(100 * e).toFixed(e < 0.1 ? 1 : 0)}`);
  const widths = result.ratios.map((r, k) => `${+r.toFixed(3)}:±${pct(iv.relativeError[k])}%`).join(' ');
  const missed = result.ratios.filter((_, k) => !iv.targetMet[k]).map((r) => +r.toFixed(3));
  const target = `±${+(100 * iv.targetError).toFixed(2)} %`;
  return (
    `J(m) ${+(100 * iv.level).toFixed(1)} % interval (contexts and estimator bias, samples fixed): ${widths}\n` +
    (missed.length === 0
      ? `J(m) within ${target} at every order`
      : `NOT within ${target} at ratio${missed.length > 1 ? 's' : ''} ${missed.join(', ')}: this budget cannot bound J(m) that tightly there; ` +
        `read J(m) at those orders with its interval (aggregate.strengthInterval in result.json); more contexts narrow it, more samples only its noise part`)
  );
}
