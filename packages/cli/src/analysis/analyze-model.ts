import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import {
  estimators,
  openModel,
  pairStrategy,
  parseDevice,
  parseRewardName,
  planAnalysis as planAnalysisSettings,
  resultAdapterOptions,
  runAnalysis,
  runNoiseSensitivity,
  writeJsonAtomic,
  type AnalysisPlan,
  type InteractionResult,
  type ModalityAdapter,
  type NoiseSpec,
} from '@orderlens/core';
import { globalFlags, ioOf } from '../util/io.js';
import { packageVersions } from '../util/plugins.js';
import { svgToPng, writeFileAtomic } from '../util/plots.js';
import { progressFor } from '../util/progress.js';
import { writeStrengthPlot } from '../util/strength-plots.js';

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
  reward: string;
  seed: string;
  device: string;
  batchSize: string;
  threads?: string;
  keepDenormals?: boolean;
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
  return planAnalysisSettings(adapter, flags, adapterOptions);
}

/** Analyses one model into `dir` (result.json, plot, pictures) and prints a summary. */
export async function analyzeModel(args: {
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
  flags: Pick<AnalysisFlags, 'resume'>;
  command: Command;
  io: ReturnType<typeof ioOf>;
  /** With it, the noise-sensitivity measure runs beside the estimate (`orderlens noise-sensitivity`). */
  noise?: NoiseSpec;
  /** Name of the command, for the run store and the progress line (default `analyze <modality>`). */
  commandName?: string;
  /** Adds pictures of the finished result (the measures' plots) to its `outputs`. */
  extraOutputs?: (result: InteractionResult, dir: string) => Promise<Record<string, unknown>>;
}): Promise<InteractionResult> {
  const { plan, io, command } = args;
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
      const finish = async (result: InteractionResult): Promise<InteractionResult> => {
        const withWarnings: InteractionResult = warnings.length
          ? {
              ...result,
              selection: {
                ...result.selection!,
                warnings: [...warnings, ...(result.selection?.warnings ?? [])],
              },
            }
          : result;
        const pictures = session.writePictures ? await session.writePictures(withWarnings, args.dir) : {};
        // Adapters depend on core only and write SVG; the CLI adds the PNG beside each.
        for (const [k, paths] of Object.entries(pictures)) {
          const pngs = paths
            .filter((p) => p.endsWith('.svg'))
            .map((p) => {
              const png = p.replace(/\.svg$/, '.png');
              writeFileAtomic(png, svgToPng(readFileSync(p, 'utf8')));
              return png;
            });
          if (pngs.length) pictures[k] = [...paths, ...pngs];
        }
        const plot = await writeStrengthPlot(
          args.dir,
          [{ label: basename(model.file), result: withWarnings }],
          `Interaction strength over orders — ${basename(model.file)}`,
        );
        const extra = args.extraOutputs ? await args.extraOutputs(withWarnings, args.dir) : {};
        const final: InteractionResult = {
          ...withWarnings,
          outputs: { strength: plot, ...pictures, ...extra },
        };
        writeJsonAtomic(path, final);
        return final;
      };
      let samples = 0;
      const run = args.noise
        ? (o: Parameters<typeof runAnalysis>[0]) => runNoiseSensitivity({ ...o, noise: args.noise! })
        : runAnalysis;
      const final = await run({
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
        onEvent: (e) => {
          if (e.type === 'warning') io.stderr(`warning: ${e.message}\n`);
          else if (e.type === 'selected') {
            samples = e.samples;
            if (e.resumed > 0) progress.log(`resuming: ${e.resumed} of ${e.samples} samples already done`);
            progress.update(e.resumed, e.samples);
          } else if (e.type === 'sample') progress.update(e.sample + 1, samples);
          else if (e.type === 'log') progress.log(e.message);
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
