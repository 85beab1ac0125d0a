import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  OrderlensInputError,
  checkBudget,
  optionField,
  probeWritableDir,
  settingsBlock,
  writeJsonAtomic,
} from '@orderlens/core';
import { ICLR2022_LOSS_CONVENTIONS, type OrderLossConventions } from '@orderlens/core/math';
import { parseTfjsBackends, tfjsTabularTrainer } from '@orderlens/runtime-tfjs';
import {
  CENSUS_ARCHITECTURES,
  CENSUS_OPTIMIZERS,
  CENSUS_PROTOCOLS,
  CENSUS_SAMPLERS,
  PAPER_PGD,
  PGD_EPS_UNITS,
  censusReproductionTools,
  describeCensusPlan,
  PREPROCESSING_FILE,
  formatReproductionTable,
  planCensusReproduction,
  prepareCensusReproduction,
  reproduceCensus,
  type CensusReproductionOptions,
} from '@orderlens/tabular';
import { commandGroup } from '../../util/command-group.js';
import { InterruptedError } from '../../util/errors.js';
import { globalFlags, interruptPolicy, ioOf } from '../../util/io.js';
import { parseChoice, parseIntegerList, parseList } from '../../util/options.js';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  parseBlockFlags,
  parsedText,
} from '../../util/option-schema.js';
import { packageVersions } from '../../util/plugins.js';
import { progressFor } from '../../util/progress.js';
import { writeFileAtomic } from '../../util/plots.js';
import { writeStrengthPlot } from '../../util/strength-plots.js';
import { networkStudyPlanFlags } from '../reproduce/run-network-study.js';

// The protocol tables moved to @orderlens/tabular; re-exported for existing imports.
export {
  CENSUS_PROTOCOLS,
  PAPER_ADVERSARIAL_ACCURACY,
  TABLE2_CONFIGS,
  censusModelConfig,
  type CensusModelConfig,
  type CensusProtocol,
} from '@orderlens/tabular';

interface ReproduceFlags {
  protocol: string;
  archs: string;
  losses: string;
  epochs?: string;
  trainRows?: string;
  samples?: string;
  attackRows?: string;
  attackSamples: string;
  quick?: boolean;
  seeds: string;
  seed?: string;
  optimizer: string;
  sampler: string;
  pgdClip?: boolean;
  epsUnits: string;
  lossConventions: string;
  tfjsBackend?: string;
  out: string;
  resume?: boolean;
  budget?: string;
  dryRun?: boolean;
}

/** `--loss-conventions`: `drawn` (orderlens' default) or `iclr2022` (int sizes, r2/r1). */
const LOSS_CONVENTIONS: Readonly<Record<string, OrderLossConventions | undefined>> = {
  drawn: undefined,
  iclr2022: ICLR2022_LOSS_CONVENTIONS,
};

/** A list of census architectures (each refused by name when unknown). */
function parseArchs(text: string, field: string): string[] {
  const archs = parseList(text, field);
  for (const a of archs) parseChoice(a, field, Object.keys(CENSUS_ARCHITECTURES));
  return archs;
}

/**
 * The flags of `reproduce census` that say what it trains, attacks and measures: one schema,
 * `--help` and the parsing derived from it. The sizes `--quick` changes have no default text
 * (their defaults depend on it); {@link reproductionOptions} applies them and the rules between
 * flags. `--losses` is read by hand: the path `losses` is `--order-loss` in the CLI's flag table
 * (the trainers' errors), so a block field of that name would be given that flag.
 */
export const CENSUS_REPRODUCTION_FLAGS = settingsBlock({
  protocol: optionField(
    choiceFlag(CENSUS_PROTOCOLS)
      .prefault('table2')
      .describe(
        "table2: the paper's Table-2 configurations (low: L+(0,0.5)+L−(0.6,1), λ=10,10; mid: L+(0.3,0.7), λ=10,0; high: L+(0.6,1)+L−(0,0.5), λ=1,1); presets: MATH.md presets with λ1=λ2=1",
      ),
    { argument: '<name>' },
  ),
  archs: optionField(parsedText(parseArchs).prefault('mlp5,mlp8').describe('architectures'), {
    argument: '<list>',
  }),
  seeds: optionField(
    parsedText((text, field) => parseIntegerList(text, field, { min: 0 }))
      .prefault('0,1,2')
      .describe('seeds; every model is trained once per seed'),
    { argument: '<list>' },
  ),
  seed: optionField(integerFlag({ min: 0 }).optional().describe('a single seed (same as --seeds k)'), {
    argument: '<k>',
  }),
  epochs: optionField(
    integerFlag({ min: 1 }).optional().describe('training epochs (default 10; --quick 3)'),
    {
      argument: '<k>',
    },
  ),
  trainRows: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe('train on the first k training rows (default all 24,129; --quick 6000)'),
    { argument: '<k>' },
  ),
  optimizer: optionField(
    choiceFlag(Object.keys(CENSUS_OPTIMIZERS) as Array<keyof typeof CENSUS_OPTIMIZERS>)
      .prefault('adam')
      .describe('adam (lr 0.001) or sgd (lr 0.01, momentum 0.9: the ICLR-2022 trainer’s optimizer)'),
    { argument: '<name>' },
  ),
  sampler: optionField(
    choiceFlag(CENSUS_SAMPLERS)
      .prefault('balanced')
      .describe(
        'balanced (class-balanced draws, the aog census code) or shuffled (plain shuffle, the Learn code)',
      ),
    { argument: '<name>' },
  ),
  lossConventions: optionField(
    choiceFlag(Object.keys(LOSS_CONVENTIONS))
      .prefault('drawn')
      .describe(
        'drawn (sizes round(r·n), coefficient |S2|/|S1|) or iclr2022 (int(r·n), r2/r1 as the authors’ trainer)',
      ),
    { argument: '<name>' },
  ),
  samples: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe('samples for exact J(m) per model (default 100, as the paper; --quick 12)'),
    { argument: '<k>' },
  ),
  attackRows: optionField(
    integerFlag({ min: 1 }).optional().describe('test rows attacked with PGD (default 2000; --quick 600)'),
    { argument: '<k>' },
  ),
  pgdClip: optionField(
    z
      .boolean()
      .optional()
      .describe("clip PGD to each feature's range over the census rows (default: ε-ball only)"),
    {},
  ),
  epsUnits: optionField(
    choiceFlag(PGD_EPS_UNITS)
      .prefault('z')
      .describe(
        "z: ε = 0.6 and step 0.01 on the z-scored inputs; raw: in each feature's own units (ε/σ per feature, as the ICLR-2022 code without preprocessing), clipped to each feature's data range",
      ),
    { argument: '<units>' },
  ),
  attackSamples: optionField(
    integerFlag({ min: 0 })
      .prefault('0')
      .describe('rows for the per-order interaction change under attack (0: skip)'),
    { argument: '<k>' },
  ),
  quick: optionField(
    z.boolean().optional().describe('a small run (3 epochs, 6,000 rows, 600 attacked rows, 12 J(m) samples)'),
    {},
  ),
  tfjsBackend: optionField(
    parsedText(parseTfjsBackends).prefault('wasm,cpu').describe('tfjs backends to try in order'),
    { argument: '<list>', affectsResult: false },
  ),
});

/** Parses the flags into the reproduction's options (every error names its flag). */
export function reproductionOptions(flags: ReproduceFlags): CensusReproductionOptions {
  const f = parseBlockFlags(CENSUS_REPRODUCTION_FLAGS, flags);
  const quick = f.quick === true;
  if (f.seed !== undefined && flags.seeds !== '0,1,2')
    throw new OrderlensInputError('--seed', 'give either --seed or --seeds');
  const seeds = f.seed !== undefined ? [f.seed] : f.seeds;
  if (new Set(seeds).size !== seeds.length)
    throw new OrderlensInputError('--seeds', `seeds must be distinct, got ${seeds.join(',')}`);
  const trainRows = f.trainRows ?? (quick ? 6000 : undefined);
  if (f.attackSamples > 0 && f.pgdClip)
    throw new OrderlensInputError('--attack-samples', 'the per-order change is measured without --pgd-clip');
  if (f.attackSamples > 0 && f.epsUnits === 'raw')
    throw new OrderlensInputError('--attack-samples', 'the per-order change is measured with --eps-units z');
  return {
    protocol: f.protocol,
    archs: f.archs,
    losses: parseList(flags.losses, '--losses'),
    seeds,
    epochs: f.epochs ?? (quick ? 3 : 10),
    ...(trainRows !== undefined ? { trainRows } : {}),
    samples: f.samples ?? (quick ? 12 : 100),
    attackRows: f.attackRows ?? (quick ? 600 : 2000),
    optimizer: f.optimizer,
    sampler: f.sampler,
    pgdClip: f.pgdClip === true,
    ...(f.epsUnits === 'raw' ? { epsUnits: f.epsUnits } : {}),
    ...(LOSS_CONVENTIONS[f.lossConventions] ? { lossConventions: LOSS_CONVENTIONS[f.lossConventions] } : {}),
  };
}

/** `orderlens reproduce census`: the order-loss experiment of the bottleneck paper on census. */
export function registerReproduce(program: Command): void {
  const group = commandGroup(program, 'reproduce', 'reproduce experiments of the papers');
  const census = group
    .command('census')
    .description(
      "train normal/low/mid/high MLP-5 and MLP-8 on census over three seeds (the paper's Table-2 configurations by default); table of clean and PGD accuracy (mean ± sd over seeds) and J(m) curves",
    );
  addBlockOptions(census, CENSUS_REPRODUCTION_FLAGS, { keys: ['protocol', 'archs'] });
  census.option(
    '--losses <list>',
    'model types (table2: normal, low, mid, high; presets: any order-loss preset or spec)',
    'normal,low,mid,high',
  );
  addBlockOptions(census, CENSUS_REPRODUCTION_FLAGS, {
    keys: CENSUS_REPRODUCTION_FLAGS.descriptors
      .map((d) => d.key)
      .filter((k) => k !== 'protocol' && k !== 'archs'),
  });
  census
    .option('--out <dir>', 'output directory', 'orderlens-out/reproduce-census')
    .option('--resume', 'continue an interrupted run in --out')
    .option(
      '--budget <calls|time>',
      'refuse to start, before any training, when the plan needs more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
    )
    .option(
      '--dry-run',
      'print the plan (training steps and rows, PGD and J(m) model calls, times estimated from a short timed training run) and exit; writes nothing to --out',
    )
    .action(async (flags: ReproduceFlags, cmd: Command) => {
      const io = ioOf(cmd);
      interruptPolicy(
        cmd,
        'finishing the training epoch or PGD attack under way, or dropping the J(m) sample under way; finished steps stay saved for --resume',
      );
      const options = reproductionOptions(flags);
      const { attackSamples, tfjsBackend: backends } = parseBlockFlags(CENSUS_REPRODUCTION_FLAGS, flags);
      const { budget, dryRun } = networkStudyPlanFlags(flags);
      // Before any model is trained: /proc, a path under a file, a read-only place. A dry run
      // writes nothing, so it neither creates nor probes --out.
      const outDir = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
      const resume = flags.resume === true;
      // Training needs the tfjs runtime; the attack and the analysis open each trained model
      // through the runtime registry on the trainer's device.
      const trainer = await tfjsTabularTrainer({
        backends,
        resume,
        signal: io.signal,
        dataset: 'census',
        preprocessingFile: PREPROCESSING_FILE,
      });
      const tools = censusReproductionTools(trainer, { attackSamples, packages: packageVersions() });
      // The cost before the first training step: a short timed training run per architecture and
      // type in a temporary folder, extrapolated, and --budget checked on it.
      const prepared = prepareCensusReproduction(options, outDir);
      const plan = await planCensusReproduction(options, tools, prepared, {
        out: outDir,
        resume,
        signal: io.signal,
      }).catch((e: unknown) => {
        // The timed run trains in a temporary folder: its checkpoint is not one to resume.
        if (e instanceof InterruptedError)
          throw new InterruptedError(
            'interrupted while planning, before any training; nothing was written to --out',
          );
        throw e;
      });
      const planText =
        describeCensusPlan(plan) +
        (attackSamples > 0
          ? `  (the per-order change under attack of --attack-samples ${attackSamples} is not planned)\n`
          : '');
      if (dryRun) io.stdout(planText);
      else if (!globalFlags(cmd).quiet) io.stderr(planText);
      if (budget)
        checkBudget(
          plan,
          budget,
          '--budget',
          'use fewer --seeds, --archs or --losses, fewer --epochs or --train-rows, or raise --budget',
        );
      if (dryRun) return;
      const steps = 3 * options.seeds.length * options.archs.length * options.losses.length;
      const progress = progressFor(cmd, { label: 'reproduce', total: steps, unit: 'steps' });
      let stepsDone = 0;
      let current = '';
      const rep = await reproduceCensus(
        options,
        tools,
        {
          out: outDir,
          resume,
          signal: io.signal,
          onStep: (done, _total, what) => {
            stepsDone = done;
            current = what;
            progress.progress(done, steps, undefined, what);
          },
          // A step (one model's training, attack or analysis) takes minutes: a line at least
          // every interval from inside it (epoch and step, PGD step, analysis sample).
          onProgress: (done, _total, detail) => progress.progress(done, steps, undefined, detail),
        },
        prepared,
      ).catch((e: unknown) => {
        // One message for the whole run: what the step under way did, what is saved, how to go on.
        if (e instanceof InterruptedError) {
          progress.finish();
          const what = e.message
            .replace(/[;:] (run the same command|rerun) with --resume to continue$/, '')
            .replace(/^(interrupted:? )?/, 'interrupted: ');
          throw new InterruptedError(
            `${what}` +
              `; ${stepsDone} of ${steps} steps (train, attack, analyse per model) finished and saved in ${outDir}` +
              `${current ? ` (last: ${current})` : ''}; run the same command with --resume to continue`,
          );
        }
        throw e;
      });
      progress.finish();
      const table = formatReproductionTable(rep, options);
      writeFileAtomic(join(outDir, 'table.md'), table);
      writeJsonAtomic(join(outDir, 'reproduce.json'), {
        schema: 'orderlens/reproduce-census@2',
        options: { ...options, attackSamples },
        pgd: {
          ...PAPER_PGD,
          units: options.epsUnits ?? 'z',
          clip: options.pgdClip || options.epsUnits === 'raw' ? 'per-feature range of the census rows' : null,
        },
        rows: rep.rows,
        summaries: rep.summaries,
        ordering: rep.ordering,
        training: rep.training,
        attacks: rep.attacks,
      });
      const plot = await writeStrengthPlot(
        outDir,
        rep.results,
        'Census MLPs trained with order losses: J(m) over order',
      );
      io.stdout(table);
      io.stdout(`wrote ${join(outDir, 'table.md')}, ${join(outDir, 'reproduce.json')}, ${plot.png}\n`);
    });
}
