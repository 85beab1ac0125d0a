import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { OrderlensInputError, checkBudget, probeWritableDir, writeJsonAtomic } from '@orderlens/core';
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
import { parseChoice, parseInteger, parseIntegerList, parseList } from '../../util/options.js';
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

/** Parses the flags into the reproduction's options (every error names its flag). */
export function reproductionOptions(flags: ReproduceFlags): CensusReproductionOptions {
  const quick = flags.quick === true;
  const archs = parseList(flags.archs, '--archs');
  for (const a of archs) parseChoice(a, '--archs', Object.keys(CENSUS_ARCHITECTURES));
  const protocol = parseChoice(flags.protocol, '--protocol', CENSUS_PROTOCOLS);
  if (flags.seed !== undefined && flags.seeds !== '0,1,2')
    throw new OrderlensInputError('--seed', 'give either --seed or --seeds');
  const seeds =
    flags.seed !== undefined
      ? [parseInteger(flags.seed, '--seed', { min: 0 })]
      : parseIntegerList(flags.seeds, '--seeds', { min: 0 });
  if (new Set(seeds).size !== seeds.length)
    throw new OrderlensInputError('--seeds', `seeds must be distinct, got ${seeds.join(',')}`);
  const conventions = parseChoice(flags.lossConventions, '--loss-conventions', Object.keys(LOSS_CONVENTIONS));
  const trainRowsOpt = flags.trainRows ?? (quick ? '6000' : undefined);
  const attackSamples = parseInteger(flags.attackSamples, '--attack-samples', { min: 0 });
  if (attackSamples > 0 && flags.pgdClip)
    throw new OrderlensInputError('--attack-samples', 'the per-order change is measured without --pgd-clip');
  const epsUnits = parseChoice(flags.epsUnits, '--eps-units', PGD_EPS_UNITS);
  if (attackSamples > 0 && epsUnits === 'raw')
    throw new OrderlensInputError('--attack-samples', 'the per-order change is measured with --eps-units z');
  return {
    protocol,
    archs,
    losses: parseList(flags.losses, '--losses'),
    seeds,
    epochs: parseInteger(flags.epochs ?? (quick ? '3' : '10'), '--epochs', { min: 1 }),
    ...(trainRowsOpt !== undefined
      ? { trainRows: parseInteger(trainRowsOpt, '--train-rows', { min: 1 }) }
      : {}),
    samples: parseInteger(flags.samples ?? (quick ? '12' : '100'), '--samples', { min: 1 }),
    attackRows: parseInteger(flags.attackRows ?? (quick ? '600' : '2000'), '--attack-rows', { min: 1 }),
    optimizer: parseChoice(
      flags.optimizer,
      '--optimizer',
      Object.keys(CENSUS_OPTIMIZERS) as Array<keyof typeof CENSUS_OPTIMIZERS>,
    ),
    sampler: parseChoice(flags.sampler, '--sampler', CENSUS_SAMPLERS),
    pgdClip: flags.pgdClip === true,
    ...(epsUnits === 'raw' ? { epsUnits } : {}),
    ...(LOSS_CONVENTIONS[conventions] ? { lossConventions: LOSS_CONVENTIONS[conventions] } : {}),
  };
}

/** `orderlens reproduce census`: the order-loss experiment of the bottleneck paper on census. */
export function registerReproduce(program: Command): void {
  const group = commandGroup(program, 'reproduce', 'reproduce experiments of the papers');
  group
    .command('census')
    .description(
      "train normal/low/mid/high MLP-5 and MLP-8 on census over three seeds (the paper's Table-2 configurations by default); table of clean and PGD accuracy (mean ± sd over seeds) and J(m) curves",
    )
    .option(
      '--protocol <name>',
      "table2: the paper's Table-2 configurations (low: L+(0,0.5)+L−(0.6,1), λ=10,10; mid: L+(0.3,0.7), λ=10,0; high: L+(0.6,1)+L−(0,0.5), λ=1,1); presets: MATH.md presets with λ1=λ2=1",
      'table2',
    )
    .option('--archs <list>', 'architectures', 'mlp5,mlp8')
    .option(
      '--losses <list>',
      'model types (table2: normal, low, mid, high; presets: any order-loss preset or spec)',
      'normal,low,mid,high',
    )
    .option('--seeds <list>', 'seeds; every model is trained once per seed', '0,1,2')
    .option('--seed <k>', 'a single seed (same as --seeds k)')
    .option('--epochs <k>', 'training epochs (default 10; --quick 3)')
    .option('--train-rows <k>', 'train on the first k training rows (default all 24,129; --quick 6000)')
    .option(
      '--optimizer <name>',
      'adam (lr 0.001) or sgd (lr 0.01, momentum 0.9: the ICLR-2022 trainer’s optimizer)',
      'adam',
    )
    .option(
      '--sampler <name>',
      'balanced (class-balanced draws, the aog census code) or shuffled (plain shuffle, the Learn code)',
      'balanced',
    )
    .option(
      '--loss-conventions <name>',
      'drawn (sizes round(r·n), coefficient |S2|/|S1|) or iclr2022 (int(r·n), r2/r1 as the authors’ trainer)',
      'drawn',
    )
    .option('--samples <k>', 'samples for exact J(m) per model (default 100, as the paper; --quick 12)')
    .option('--attack-rows <k>', 'test rows attacked with PGD (default 2000; --quick 600)')
    .option('--pgd-clip', "clip PGD to each feature's range over the census rows (default: ε-ball only)")
    .option(
      '--eps-units <units>',
      "z: ε = 0.6 and step 0.01 on the z-scored inputs; raw: in each feature's own units (ε/σ per feature, as the ICLR-2022 code without preprocessing), clipped to each feature's data range",
      'z',
    )
    .option('--attack-samples <k>', 'rows for the per-order interaction change under attack (0: skip)', '0')
    .option('--quick', 'a small run (3 epochs, 6,000 rows, 600 attacked rows, 12 J(m) samples)')
    .option('--tfjs-backend <list>', 'tfjs backends to try in order', 'wasm,cpu')
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
      const attackSamples = parseInteger(flags.attackSamples, '--attack-samples', { min: 0 });
      const backends = parseTfjsBackends(flags.tfjsBackend);
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
