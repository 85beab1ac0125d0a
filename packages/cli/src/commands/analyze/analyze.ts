import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  adapters,
  estimators,
  openModel,
  pairStrategy,
  parseDevice,
  parseRewardName,
  parseWithSchema,
  probeWritableDir,
  runAnalysis,
  writeJsonAtomic,
  type InteractionResult,
  type ModalityAdapter,
  type PairStrategySpec,
  type SelectionSpec,
} from '@orderlens/core';
import { ioOf } from '../../util/io.js';
import { parseFloatList, parseInteger, parseSeed } from '../../util/options.js';
import { packageVersions } from '../../util/plugins.js';
import { progressFor } from '../../util/progress.js';
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
  samples?: string;
  perClass?: string;
  allSamples?: boolean;
  reward: string;
  seed: string;
  device: string;
  batchSize: string;
  threads?: string;
}

/** What an analysis run is, fully parsed, before any model is opened. */
export interface AnalysisPlan {
  readonly adapter: ModalityAdapter;
  readonly protocol: string;
  readonly estimatorName: string;
  readonly estimatorOptions: Record<string, unknown>;
  readonly pairs?: PairStrategySpec;
  readonly selection: SelectionSpec;
  readonly adapterOptions: Record<string, unknown>;
}

/** Parses the shared flags into a plan (estimator, pairs, selection); errors name the flag. */
export function planAnalysis(
  adapter: ModalityAdapter,
  flags: AnalysisFlags,
  adapterOptions: Record<string, unknown>,
): AnalysisPlan {
  const protocol = adapter.protocols.find((p) => p.name === flags.protocol);
  if (!protocol)
    throw new OrderlensInputError(
      '--protocol',
      `unknown protocol "${flags.protocol}" for ${adapter.name}; expected one of ${adapter.protocols.map((p) => p.name).join(', ')}`,
    );
  const estimatorName = flags.estimator ?? protocol.estimator;
  const estimator = estimators.get(estimatorName, '--estimator');
  const own = flags.estimator === undefined || flags.estimator === protocol.estimator;
  const raw: Record<string, unknown> = own ? { ...protocol.estimatorOptions } : {};
  const int = (v: string | undefined, flag: string, min = 1) =>
    v === undefined ? undefined : parseInteger(v, flag, { min });
  const shape = estimator.options as unknown as { shape?: Record<string, unknown> };
  const accepts = (key: string) => shape.shape === undefined || key in shape.shape;
  const put = (key: string, flag: string, value: unknown) => {
    if (value === undefined) return;
    if (!accepts(key))
      throw new OrderlensInputError(flag, `the ${estimatorName} estimator has no such option`);
    raw[key] = value;
  };
  put('contexts', '--contexts', int(flags.contexts, '--contexts'));
  put('repeats', '--repeats', int(flags.repeats, '--repeats'));
  put('maxPlayers', '--max-players', int(flags.maxPlayers, '--max-players', 2));
  put(
    'ratios',
    '--ratios',
    flags.ratios === undefined ? undefined : parseFloatList(flags.ratios, '--ratios', { min: 0, max: 1 }),
  );
  const estimatorOptions = parseWithSchema(estimator.options, raw, '--estimator options') as Record<
    string,
    unknown
  >;

  let pairs: PairStrategySpec | undefined;
  if (estimator.usesPairs) {
    pairs =
      own && protocol.pairs
        ? { ...protocol.pairs }
        : (adapter.protocols.find((p) => p.pairs)?.pairs ?? { name: 'all' });
    const count = int(flags.pairs, '--pairs');
    const radius = int(flags.radius, '--radius');
    if (pairs.name === 'grid')
      pairs = { ...pairs, ...(count ? { count } : {}), ...(radius ? { radius } : {}) };
    else if (pairs.name === 'sequence')
      pairs = { ...pairs, ...(count ? { count } : {}), ...(radius ? { maxDistance: radius } : {}) };
    else if (pairs.name === 'spatial')
      pairs = { ...pairs, ...(count ? { count } : {}), ...(radius ? { k: radius } : {}) };
    else if (count || radius)
      throw new OrderlensInputError(
        count ? '--pairs' : '--radius',
        `the ${pairs.name} pair strategy takes no count or radius`,
      );
  } else {
    for (const [v, f] of [
      [flags.pairs, '--pairs'],
      [flags.radius, '--radius'],
    ] as const)
      if (v !== undefined)
        throw new OrderlensInputError(
          f,
          `the ${estimatorName} estimator measures every pair; ${f} applies to sampled estimators`,
        );
  }
  const selection: SelectionSpec = {
    ...adapter.defaultSelection,
    ...(own ? (protocol.selection ?? {}) : {}),
    ...(flags.allSamples ? { rule: 'all' as const } : {}),
    ...(flags.samples !== undefined ? { samples: int(flags.samples, '--samples') } : {}),
    ...(flags.perClass !== undefined ? { perClass: int(flags.perClass, '--per-class') } : {}),
  };
  return {
    adapter,
    protocol: protocol.name,
    estimatorName,
    estimatorOptions,
    pairs,
    selection,
    adapterOptions,
  };
}

/** `orderlens analyze <modality>`, one subcommand per registered adapter. */
export function registerAnalyze(program: Command): void {
  const group = program.commands.find((c) => c.name() === 'analyze') ?? program.command('analyze');
  group.description('multi-order interaction strength J(m) of a model on one modality');
  for (const adapter of adapters.list()) {
    const cmd = group.command(adapter.name).description(adapter.description);
    addAnalysisOptions(cmd, adapter);
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
      const out = probeWritableDir(resolve(flags.out), '--out');
      const models = flags.model;
      const labels = models.map((m, k) =>
        models.length > 1 ? `${k}-${basename(m).replace(/[^A-Za-z0-9._-]/g, '_')}` : '',
      );
      const results: Array<{ label: string; result: InteractionResult }> = [];
      for (const [k, spec] of models.entries()) {
        const dir = labels[k] ? join(out, 'models', labels[k]) : out;
        const result = await analyzeModel({
          plan,
          spec,
          dir,
          reward,
          seed,
          device,
          batchSize,
          threads,
          flags,
          command,
          io,
        });
        results.push({
          label: models.length > 1 ? basename(spec) : basename(result.provenance.model?.file ?? spec),
          result,
        });
      }
      const plot = await writeStrengthPlot(
        out,
        results,
        `Interaction strength over orders — ${adapter.name}`,
      );
      io.stdout(`wrote ${plot.svg}\n`);
    });
  }
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
  flags: Pick<AnalysisFlags, 'resume'>;
  command: Command;
  io: ReturnType<typeof ioOf>;
}): Promise<InteractionResult> {
  const { plan, io, command } = args;
  const progress = progressFor(command, {
    label: `analyze ${plan.adapter.name} (${plan.protocol})`,
    unit: 'samples',
  });
  const warnings: string[] = [];
  const model = await openModel({
    spec: args.spec,
    device: args.device,
    threads: args.threads,
    log: (m) => progress.log(m),
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
      let samples = 0;
      const result = await runAnalysis({
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
        run: { out: args.dir, resume: args.flags.resume === true },
        fingerprint: { protocol: plan.protocol, adapterOptions: resultOptions(plan) },
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
      const plot = await writeStrengthPlot(
        args.dir,
        [{ label: basename(model.file), result: withWarnings }],
        `Interaction strength over orders — ${basename(model.file)}`,
      );
      const final: InteractionResult = { ...withWarnings, outputs: { strength: plot, ...pictures } };
      const path = join(args.dir, 'result.json');
      writeJsonAtomic(path, final);
      const J = final.aggregate.strength.J;
      io.stdout(
        `analyze ${plan.adapter.name}: ${final.samples.length} samples, n = ${final.n}, ${plan.estimatorName} (${plan.protocol}), ` +
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

/** Adapter options that change the numbers (fingerprinted for resume). */
function resultOptions(plan: AnalysisPlan): Record<string, unknown> {
  const keep = new Set(plan.adapter.options.filter((d) => d.affectsResult !== false).map((d) => d.key));
  return Object.fromEntries(Object.entries(plan.adapterOptions).filter(([k]) => keep.has(k)));
}
