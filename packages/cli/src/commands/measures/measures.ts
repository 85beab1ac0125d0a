import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  adapters,
  flagName,
  optionField,
  probeWritableDir,
  settingsBlock,
  writeJsonAtomic,
  type InteractionResult,
  type ModalityAdapter,
  type NoiseScale,
} from '@orderlens/core';
import { generalizationMeasure, transferMeasure } from '@orderlens/core/math';
import { commandGroup } from '../../util/command-group.js';
import { ioOf } from '../../util/io.js';
import { parseFloatOption, parseList } from '../../util/options.js';
import { addBlockOptions, integerFlag, parsedText, parseBlockFlags } from '../../util/option-schema.js';
import { modelFolders } from '../../util/model-name.js';
import { planAnalysis, runOrPlanModel, type AnalysisFlags } from '../../analysis/analyze-model.js';
import {
  addAdapterOptions,
  addAnalysisOptions,
  addDryRunOption,
  adapterOptionValues,
} from '../../analysis/analysis-options.js';
import { parseRunOptions } from '../../analysis/run-options.js';
import { requireSameClasses } from './split-classes.js';
import { writeGeneralizationPlot, writeNoisePlot, writeTransferPlot } from './measure-plots.js';

/**
 * The run settings every measure command parses the same way, before any model is opened. A dry
 * run neither creates nor probes `--out`: it writes nothing.
 */
function commonSettings(flags: AnalysisFlags) {
  const dryRun = flags.dryRun === true;
  const { reward, seed, device, batchSize, threads } = parseRunOptions(flags);
  return {
    dryRun,
    reward,
    seed,
    device,
    batchSize,
    threads,
    out: dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out'),
  };
}

/** The AND-OR estimator, the only one generalization and transfer read (refused otherwise). */
function andOrFlags(flags: AnalysisFlags, command: string): AnalysisFlags {
  if (flags.estimator !== undefined && flags.estimator !== 'and-or')
    throw new OrderlensInputError(
      '--estimator',
      `${command} compares salient AND-OR interactions: it runs the and-or estimator, not ${flags.estimator}`,
    );
  return { ...flags, estimator: 'and-or' };
}

/**
 * Refuses, before any model is opened, options under which the samples do not all have the same
 * players (the adapter's {@link ModalityAdapter.unsharedPlayers}): the error names the adapter
 * option that decides it, else `field` (the measure's own option).
 */
function requireSharedPlayers(
  adapter: ModalityAdapter,
  options: Readonly<Record<string, unknown>>,
  field: string,
  what: string,
): void {
  const why = adapter.unsharedPlayers?.(options);
  if (!why) return;
  const descriptor = why.option && adapter.options.descriptors.find((d) => d.key === why.option);
  throw new OrderlensInputError(
    descriptor ? flagName(descriptor) : field,
    `${what} compares a set of players between samples, which needs the same players on every sample; on ${adapter.name}, ${why.reason}`,
  );
}

/** `orderlens <measure> <modality>`: the measure's group (made by the first adapter) and the adapter's command. */
function measureCommand(
  program: Command,
  measure: string,
  description: string,
  adapter: ModalityAdapter,
): Command {
  return commandGroup(program, measure, description).command(adapter.name).description(adapter.description);
}

/**
 * How `δ` compares with the data it is added to (the result's `measures.noiseSensitivity.scale`):
 * `δ/RMS`, `δ/σ` where the spread was measured, and per column for tables.
 */
export function noiseScaleLines(delta: number, scale: NoiseScale): string {
  const p = (x: number) => x.toPrecision(3);
  let out =
    `δ = ${delta} on the ${scale.space}${scale.table ? ` (${scale.table})` : ''}, whose RMS is ${p(scale.rms)}` +
    (scale.std !== undefined ? ` and σ ${p(scale.std)}` : '') +
    `: δ/RMS = ${p(delta / scale.rms)}` +
    (scale.std !== undefined && scale.std > 0 ? `, δ/σ = ${p(delta / scale.std)}` : '') +
    '\n';
  const f = scale.perFeature;
  if (f && f.std.length > 0) {
    // Constant columns (σ = 0) have no ratio; they are counted apart.
    const cols = f.std.map((sd, j) => ({ name: f.names[j], sd })).filter((c) => c.sd > 0);
    cols.sort((a, b) => b.sd - a.sd);
    const ratio = (c: { sd: number }) => p(delta / c.sd);
    if (cols.length > 0)
      out +=
        `δ/σ per column: ${ratio(cols[0])} (${cols[0].name}) to ${ratio(cols[cols.length - 1])} (${cols[cols.length - 1].name}), median ${ratio(cols[Math.floor(cols.length / 2)])}` +
        (cols.length < f.std.length ? `; ${f.std.length - cols.length} constant columns` : '') +
        '\n';
  }
  return out;
}

/**
 * The noise of `noise-sensitivity`, one schema; `--help` and the parsing are derived from it.
 * `--delta` has no default: the command registers it as required.
 */
export const NOISE_OPTIONS = settingsBlock({
  delta: optionField(
    parsedText((text, field) => {
      const delta = parseFloatOption(text, field);
      if (!(delta > 0))
        throw new OrderlensInputError(field, `expected a standard deviation > 0, got ${text}`);
      return delta;
    }).describe('standard deviation of ε ~ N(0, δ²I), in model-input units (> 0)'),
    { argument: '<δ>' },
  ),
  draws: optionField(integerFlag({ min: 2 }).prefault('20').describe('noisy copies of each sample (≥ 2)'), {
    argument: '<k>',
  }),
});

/** `orderlens noise-sensitivity <modality>`: `V^(s)` of every order under Gaussian input noise. */
function registerNoise(program: Command, adapter: ModalityAdapter): void {
  const cmd = measureCommand(
    program,
    'noise-sensitivity',
    'variance of interactions under Gaussian input noise per order, V^(s) = E_x E_|S|=s Var_ε I(S|x+ε) (first-principles paper §3.2)',
    adapter,
  );
  addAnalysisOptions(cmd, adapter);
  addDryRunOption(cmd);
  addBlockOptions(cmd, NOISE_OPTIONS);
  // Commander refuses a run without --delta before the action (what requiredOption did).
  cmd.options.find((o) => o.long === '--delta')!.makeOptionMandatory();
  addAdapterOptions(cmd, adapter.options.descriptors);
  cmd.action(
    async (
      flags: AnalysisFlags & { delta: string; draws: string } & Record<string, unknown>,
      command: Command,
    ) => {
      const io = ioOf(command);
      const adapterOptions = adapterOptionValues(command, adapter.options, flags);
      const plan = planAnalysis(adapter, flags, adapterOptions);
      const { delta, draws } = parseBlockFlags(NOISE_OPTIONS, { delta: flags.delta, draws: flags.draws });
      const s = commonSettings(flags);
      const results: Array<{ label: string; result: InteractionResult }> = [];
      const folders = modelFolders(flags.model);
      for (const [k, spec] of flags.model.entries()) {
        const dir = flags.model.length > 1 ? join(s.out, 'models', folders[k]) : s.out;
        const result = await runOrPlanModel({
          plan,
          spec,
          dir,
          ...s,
          flags,
          command,
          io,
          noise: { delta, draws },
          commandName: `noise-sensitivity ${adapter.name}`,
          extraOutputs: async (r, d) => ({
            noiseSensitivity: await writeNoisePlot(d, [{ label: folders[k], result: r }]),
          }),
        });
        if (!result) continue; // --dry-run: the plan only
        results.push({ label: folders[k], result });
        const m = result.measures!.noiseSensitivity!;
        io.stdout(
          `V^(s) by order: ${m.orders.map((o, j) => `${o}:${m.variance[j].toExponential(3)}`).join(' ')}\n` +
            (m.fit ? `fit: ×${m.fit.growth.toFixed(3)} per order, R² ${m.fit.r2.toFixed(3)}\n` : '') +
            (m.scale ? noiseScaleLines(m.delta, m.scale) : ''),
        );
      }
      if (results.length > 1) io.stdout(`wrote ${(await writeNoisePlot(s.out, results)).svg}\n`);
    },
  );
}

/** `orderlens generalization <modality>`: train/test Jaccard of salient interactions per order. */
function registerGeneralization(program: Command, adapter: ModalityAdapter): void {
  const cmd = measureCommand(
    program,
    'generalization',
    'Jaccard similarity per class and order between salient AND-OR interactions of training and test samples (first-principles paper §3.2)',
    adapter,
  );
  addAnalysisOptions(cmd, adapter);
  addDryRunOption(cmd);
  // The adapter option the two sides set: the one its samples come from (a split or a source).
  const source = adapter.sampleSource;
  const split = adapter.options.descriptors.find((o) => o.key === source?.option);
  const bySource = split !== undefined && source?.kind === 'source';
  cmd
    .option(
      '--train-split <name>',
      bySource
        ? `data the training samples come from (the adapter's ${flagName(split)} value)`
        : `split the training samples come from${split?.choices ? ` (${split.choices.join(', ')})` : ''}`,
      ...(bySource ? [] : ['train']),
    )
    .option(
      '--test-split <name>',
      bySource
        ? `data the test samples come from (the adapter's ${flagName(split)} value)`
        : 'split the test samples come from',
      ...(bySource ? [] : ['test']),
    );
  // The adapter's own --split (or data option) is what the two options set, once each.
  addAdapterOptions(
    cmd,
    adapter.options.descriptors.filter((o) => o.key !== split?.key),
  );
  cmd.action(
    async (
      flags: AnalysisFlags & { trainSplit?: string; testSplit?: string } & Record<string, unknown>,
      command: Command,
    ) => {
      const io = ioOf(command);
      if (!split)
        throw new OrderlensInputError(
          '--train-split',
          `the ${adapter.name} adapter has no --split or data option to choose training and test samples`,
        );
      for (const [field, v] of [
        ['--train-split', flags.trainSplit],
        ['--test-split', flags.testSplit],
      ] as const)
        if (v === undefined)
          throw new OrderlensInputError(
            field,
            `the ${adapter.name} adapter has no --split: name the data of each side (a ${flagName(split)} value)`,
          );
      for (const [field, v] of [
        ['--train-split', flags.trainSplit],
        ['--test-split', flags.testSplit],
      ] as const)
        if (split.choices && !split.choices.includes(v!))
          throw new OrderlensInputError(field, `expected one of ${split.choices.join(', ')}, got ${v}`);
      if (flags.trainSplit === flags.testSplit)
        throw new OrderlensInputError(
          '--test-split',
          `is the training split too (${flags.testSplit}): compare two different splits`,
        );
      // The split option has no flag here (the two sides set it), so it is left out of the values.
      const adapterOptions = adapterOptionValues(command, adapter.options, flags);
      const f = andOrFlags(flags, 'generalization');
      requireSharedPlayers(adapter, adapterOptions, '--test-split', 'generalization');
      const plans = {
        train: planAnalysis(adapter, f, { ...adapterOptions, [split.key]: flags.trainSplit }),
        test: planAnalysis(adapter, f, { ...adapterOptions, [split.key]: flags.testSplit }),
      };
      const s = commonSettings(flags);
      const measured: Array<{
        label: string;
        measure: NonNullable<InteractionResult['measures']>['generalization'] & object;
      }> = [];
      const folders = modelFolders(flags.model);
      for (const [k, spec] of flags.model.entries()) {
        const dir = flags.model.length > 1 ? join(s.out, 'models', folders[k]) : s.out;
        const run = (which: 'train' | 'test') =>
          runOrPlanModel({
            plan: plans[which],
            spec,
            dir: join(dir, which),
            ...s,
            flags,
            command,
            io,
            commandName: `generalization ${adapter.name} (${which} split)`,
          });
        // A class only one split holds is refused from the data, before any model call.
        await requireSameClasses(
          plans,
          { spec, device: s.device, threads: s.threads },
          { train: '--train-split', test: '--test-split' },
        );
        const train = await run('train');
        const test = await run('test');
        if (!train || !test) continue; // --dry-run: the two plans only
        const measure = generalizationMeasure(
          train,
          test,
          { train: '--train-split', test: '--test-split' },
          { train: join(dir, 'train', 'result.json'), test: join(dir, 'test', 'result.json') },
        );
        const plot = await writeGeneralizationPlot(dir, [{ label: folders[k], measure }]);
        // The test split's result with the measure: one document of the result schema.
        const result: InteractionResult = {
          ...test,
          measures: { ...(test.measures ?? {}), generalization: measure },
          outputs: { ...(test.outputs ?? {}), generalization: plot },
        };
        writeJsonAtomic(join(dir, 'result.json'), result);
        measured.push({ label: folders[k], measure });
        io.stdout(
          `E_c Sim(train, test) by order: ${measure.orders.map((o, j) => `${o}:${measure.mean[j] === null ? '–' : measure.mean[j]!.toFixed(3)}`).join(' ')}; wrote ${join(dir, 'result.json')}\n`,
        );
      }
      if (measured.length > 1) io.stdout(`wrote ${(await writeGeneralizationPlot(s.out, measured)).svg}\n`);
    },
  );
}

/** `orderlens transfer <modality> --models a,b`: salient interactions shared across samples and networks. */
function registerTransfer(program: Command, adapter: ModalityAdapter): void {
  const cmd = measureCommand(
    program,
    'transfer',
    'share of salient AND-OR interactions also salient on other samples of the class and on other networks (first-principles paper §2.2)',
    adapter,
  );
  cmd.requiredOption(
    '--models <list>',
    'comma-separated networks trained for the same task over the same players (one: across samples only)',
  );
  addAnalysisOptions(cmd, adapter, 'none');
  addDryRunOption(cmd);
  addAdapterOptions(cmd, adapter.options.descriptors);
  cmd.action(async (flags: Omit<AnalysisFlags, 'model'> & { models: string }, command: Command) => {
    const io = ioOf(command);
    const models = parseList(flags.models, '--models');
    if (new Set(models).size !== models.length)
      throw new OrderlensInputError('--models', `names a network twice (${flags.models})`);
    const adapterOptions = adapterOptionValues(command, adapter.options, flags);
    const f = andOrFlags({ ...flags, model: models }, 'transfer');
    // Networks are compared on the same samples: with several, every candidate is taken in data
    // order rather than each network's correctly classified ones.
    const plan = planAnalysis(adapter, models.length > 1 ? { ...f, allSamples: true } : f, adapterOptions);
    // One network: transfer across samples only, which needs shared players. Several: between
    // networks on each sample's own players, and across samples where they are shared.
    const unshared = adapter.unsharedPlayers?.(plan.adapterOptions);
    if (models.length === 1)
      requireSharedPlayers(adapter, plan.adapterOptions, '--models', 'transfer across samples');
    const s = commonSettings(f);
    const results: Array<{ label: string; result: InteractionResult }> = [];
    const folders = modelFolders(models);
    for (const [k, spec] of models.entries()) {
      const result = await runOrPlanModel({
        plan,
        spec,
        dir: join(s.out, 'models', folders[k]),
        ...s,
        flags: f,
        command,
        io,
        commandName: `transfer ${adapter.name} (${folders[k]})`,
      });
      if (result) results.push({ label: folders[k], result });
    }
    if (s.dryRun) return;
    const measure = transferMeasure(results, '--models');
    const plot = await writeTransferPlot(s.out, measure, results[0].label);
    const result: InteractionResult = {
      ...results[0].result,
      measures: { ...(results[0].result.measures ?? {}), transfer: measure },
      outputs: { ...(results[0].result.outputs ?? {}), transfer: plot },
    };
    writeJsonAtomic(join(s.out, 'result.json'), result);
    const fmt = (xs: ReadonlyArray<number | null>) =>
      xs.map((x, j) => `${j + 1}:${x === null ? '–' : x.toFixed(3)}`).join(' ');
    if (measure.acrossSamples)
      io.stdout(`across samples of a class, by order: ${fmt(measure.acrossSamples.share)}\n`);
    else if (unshared) io.stdout(`across samples: not measured (${unshared.reason})\n`);
    for (const t of measure.acrossNetworks ?? [])
      io.stdout(
        `${t.a} salient on ${t.b}, by order: ${fmt(t.aInB.share)}\n${t.b} salient on ${t.a}: ${fmt(t.bInA.share)}\n`,
      );
    io.stdout(`wrote ${join(s.out, 'result.json')}\n`);
  });
}

/** The measures of interactions as commands, one subcommand per installed adapter. */
export function registerMeasures(program: Command): void {
  for (const adapter of adapters.list()) {
    registerNoise(program, adapter);
    registerGeneralization(program, adapter);
    registerTransfer(program, adapter);
  }
}
