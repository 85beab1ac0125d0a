import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  adapters,
  optionField,
  parseBudget,
  probeWritableDir,
  settingsBlock,
  writeFileAtomic,
  writeJsonAtomic,
  type SelectionSpec,
} from '@orderlens/core';
import {
  TWO_PHASE_RUNS,
  readDynamicsResult,
  readTwoPhaseSeriesInfo,
  twoPhaseAdapterOptions,
  twoPhaseTable,
  twoPhaseVerdicts,
  type DynamicsResult,
  type TwoPhaseRow,
  type TwoPhaseVerdict,
} from '@orderlens/core/dynamics';
import { readCheckpointFolder } from '@orderlens/runtime-tfjs';
import { ioOf } from '../../util/io.js';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  parseBlockFlags,
  parsedText,
} from '../../util/option-schema.js';
import { commandGroup } from '../../util/command-group.js';
import { addCheckpointRunOptions, checkpointRunSettings } from './checkpoint-run-options.js';
import {
  finishDynamicsRunStore,
  openDynamicsRunStore,
  planDynamicsRun,
  portableOptions,
  runDynamicsToFolder,
} from './run-dynamics.js';

interface ReproduceTwoPhaseFlags {
  series?: string;
  fromDynamics?: string;
  out: string;
  modality?: string;
  quick?: boolean;
  samples?: string;
  niter?: string;
  preset: string;
  playersSeed: string;
  curves: string;
  budget?: string;
  dryRun?: boolean;
}

const fmt = (v: number | null, digits = 3) => (v === null ? 'n/a' : v.toFixed(digits));
const pct = (v: number) => `${(100 * v).toFixed(0)}`;

/** The per-epoch table and the verdicts as Markdown (the note's form). */
export function twoPhaseMarkdown(rows: readonly TwoPhaseRow[], verdicts: readonly TwoPhaseVerdict[]): string {
  const lines = [
    '| epoch | train loss | test loss | gap | test acc | mean order | shares low / mid / high (%) | σ² | fit loss | salient | salient rec. error |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.epoch} | ${fmt(r.trainLoss)} | ${fmt(r.testLoss)} | ${fmt(r.lossGap)} | ` +
        `${r.testAccuracy === null ? 'n/a' : `${(100 * r.testAccuracy).toFixed(1)} %`} | ${r.meanOrder.toFixed(2)} | ` +
        `${pct(r.shares.low)} / ${pct(r.shares.mid)} / ${pct(r.shares.high)} | ` +
        `${r.sigma2 === null ? 'n/a' : r.sigma2.toExponential(1)}${r.atBoundary ? ' (boundary)' : ''} | ${fmt(r.fitLoss, 2)} | ` +
        `${r.salientCount} | ${r.salientReconstructionError.toFixed(2)} |`,
    ),
    '',
    ...verdicts.map((v) => `- **${v.verdict}** — ${v.statement}: ${v.evidence}.`),
    '',
  ];
  return lines.join('\n');
}

/** Writes two-phase.json and two-phase.md for a dynamics result, and prints them. */
function writeReport(
  io: ReturnType<typeof ioOf>,
  out: string,
  result: DynamicsResult,
  source: { series: string | null; description: string | null; from: string | null },
  settings: Record<string, unknown>,
): void {
  const rows = twoPhaseTable(result);
  const verdicts = twoPhaseVerdicts(result);
  writeJsonAtomic(join(out, 'two-phase.json'), {
    schema: 'orderlens/two-phase-reproduction@1',
    series: source.series,
    fromDynamics: source.from,
    description: source.description,
    modality: result.modality,
    settings: { ...settings, shiftEmpty: result.andOr.shiftEmpty ?? false, andOr: result.andOr },
    n: result.n,
    samples: result.samples.length,
    table: rows,
    verdicts,
    dynamics: source.from ?? 'dynamics.json',
  });
  const md = twoPhaseMarkdown(rows, verdicts);
  writeFileAtomic(join(out, 'two-phase.md'), md);
  io.stdout(
    `reproduce two-phase: ${result.modality}, ${result.checkpoints.length} checkpoints, ${result.samples.length} samples, n = ${result.n}, ` +
      `preset ${result.andOr.preset}; wrote ${join(out, 'two-phase.json')}\n\n${md}`,
  );
}

/**
 * The fields of the checkpoint-run block `reproduce two-phase` takes; its preset, iterations,
 * budget and dry run say what the paper's runs need and are its own.
 */
const TWO_PHASE_RUN_KEYS = ['device', 'batchSize', 'resume'] as const;

/**
 * The measurement flags of `reproduce two-phase` (the paper's run sizes, AND-OR conventions,
 * players, figure and budget): one schema, `--help` and the parsing derived from it. `--samples`
 * and `--niter` default to the run `--quick` picks, so the schema leaves them unset.
 */
export const TWO_PHASE_OPTIONS = settingsBlock({
  samples: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe(
        `test samples, taken whether or not they are classified correctly (default ${TWO_PHASE_RUNS.full.samples})`,
      ),
    { argument: '<k>' },
  ),
  niter: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe(`AND-OR iterations per checkpoint (default ${TWO_PHASE_RUNS.full.niter})`),
    { argument: '<k>' },
  ),
  preset: optionField(
    choiceFlag(['authors', 'orderlens'] as const)
      .prefault('authors')
      .describe(
        "AND-OR conventions: authors (the paper's code: salient ≥ 1 % of max|I| per sample, v − v(∅)) or orderlens",
      ),
    { argument: '<name>' },
  ),
  playersSeed: optionField(
    integerFlag({ min: 0 }).prefault('0').describe('seed of the random players (cells, words)'),
    { argument: '<s>' },
  ),
  curves: optionField(
    integerFlag({ min: 1, max: 12 }).prefault('6').describe('epochs drawn in the distribution figure'),
    { argument: '<k>' },
  ),
  budget: optionField(
    parsedText(parseBudget)
      .optional()
      .describe(
        'with --series: refuse to start when the plan needs more model calls (e.g. 2e6) or time (e.g. 90s, 10m, 2h) than this',
      ),
    { argument: '<calls|time>', affectsResult: false },
  ),
});

/**
 * `orderlens reproduce two-phase`: the two-phase paper's measurement on a checkpoint series, with
 * its players, reward and salient rule, the figures and a verdict per claim.
 */
export function registerReproduceTwoPhase(program: Command): void {
  const cmd = commandGroup(program, 'reproduce', 'reproduce the experiments of the papers')
    .command('two-phase')
    .description(
      "two-phase dynamics (Ren et al.) on a checkpoint series with the paper's settings: per-epoch table, figures, a verdict per claim",
    )
    .option(
      '--series <folder>',
      'checkpoint series: index.json (orderlens/checkpoint-index@1) and its epoch-<e>/ models, e.g. fixtures/two-phase/fmnist-vgg11',
    )
    .option(
      '--from-dynamics <file>',
      "instead of --series: the table and verdicts of an earlier run's dynamics.json (no model is run)",
    )
    .requiredOption(
      '--out <dir>',
      'output folder: two-phase.json, two-phase.md, dynamics.json and the figures (distribution, paradigms, loss-gap, sigma2)',
    )
    .option('--modality <name>', "how inputs become players (default: the series' index.json says)")
    .option(
      '--quick',
      `a small run for CI: ${TWO_PHASE_RUNS.quick.samples} samples, ${TWO_PHASE_RUNS.quick.niter} AND-OR iterations`,
    );
  addBlockOptions(cmd, TWO_PHASE_OPTIONS, { keys: ['samples', 'niter', 'preset', 'playersSeed'] });
  addCheckpointRunOptions(cmd, TWO_PHASE_RUN_KEYS.slice(0, 2));
  addBlockOptions(cmd, TWO_PHASE_OPTIONS, { keys: ['curves'] });
  addCheckpointRunOptions(cmd, TWO_PHASE_RUN_KEYS.slice(2));
  addBlockOptions(cmd, TWO_PHASE_OPTIONS, { keys: ['budget'] });
  cmd
    .option(
      '--dry-run',
      'with --series: print the plan (model calls, time measured on a short warm-up of the model and the AND-OR optimiser) and exit; writes nothing',
    )
    .action(async (flags: ReproduceTwoPhaseFlags, command: Command) => {
      const io = ioOf(command);
      if ((flags.series === undefined) === (flags.fromDynamics === undefined))
        throw new OrderlensInputError('--series', 'give either --series <folder> or --from-dynamics <file>');
      if (flags.fromDynamics !== undefined) {
        const result = readDynamicsResult(resolve(flags.fromDynamics), '--from-dynamics');
        const out = probeWritableDir(resolve(flags.out), '--out');
        // Recorded relative to the output folder, so the file can be shipped.
        writeReport(
          io,
          out,
          result,
          { series: null, description: null, from: relative(out, resolve(flags.fromDynamics)) },
          {},
        );
        return;
      }
      const series = flags.series!;
      // Everything is checked before the first model is opened.
      const folder = readCheckpointFolder(series, '--series');
      const info = readTwoPhaseSeriesInfo(series, '--series');
      const modality = flags.modality ?? info.modality;
      if (modality === undefined)
        throw new OrderlensInputError(
          '--modality',
          `the series' index.json does not say its modality ("series": {"modality": …}); give --modality ${adapters.names().join('|')}`,
        );
      const adapter = adapters.get(modality, '--modality');
      const run = flags.quick ? TWO_PHASE_RUNS.quick : TWO_PHASE_RUNS.full;
      const measured = parseBlockFlags(TWO_PHASE_OPTIONS, flags);
      const samples = measured.samples ?? run.samples;
      const niter = measured.niter ?? run.niter;
      const { preset, playersSeed, curves, budget } = measured;
      const adapterOptions = twoPhaseAdapterOptions(adapter, series, info, playersSeed);
      const { device, batchSize, resume } = checkpointRunSettings(flags, TWO_PHASE_RUN_KEYS);
      // F.3: random test samples, not only correctly classified ones.
      const selection: SelectionSpec = { ...adapter.defaultSelection, samples, rule: 'all' };
      const dryRun = flags.dryRun === true;
      // A dry run writes nothing, so it neither creates nor probes --out.
      const out = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
      // What the plan and the run both take.
      const job = {
        command,
        adapter,
        adapterOptions,
        folder,
        field: '--series',
        selection,
        reward: 'log-odds' as const,
        andOr: { preset, niter },
        device,
        batchSize,
        out,
      };
      await planDynamicsRun({
        ...job,
        budget,
        dryRun,
        resume: resume === true,
      });
      if (dryRun) return;
      // One unit per checkpoint in <out>/run/, as `dynamics` keeps them: a kill loses at most the
      // checkpoint in progress, and a --resume must ask for the same numbers (not --batch-size).
      const store = openDynamicsRunStore(
        'reproduce two-phase',
        out,
        { checkpoints: series, folder, adapter, adapterOptions },
        {
          selection,
          reward: 'log-odds',
          andOr: { preset, niter },
          device,
        },
        resume === true,
      );

      let result: DynamicsResult;
      try {
        ({ result } = await runDynamicsToFolder({
          ...job,
          curves,
          store: { run: store },
          options: {
            series: resolve(series),
            ...adapterOptions,
            samples,
            preset,
            niter,
            quick: !!flags.quick,
          },
        }));
      } catch (e) {
        // The same-model check names its field generically; here the series is what differs.
        if (e instanceof OrderlensInputError && e.field === 'checkpoints')
          throw new OrderlensInputError('--series', e.message.replace(/^checkpoints: /, ''));
        throw e;
      }
      writeReport(
        io,
        out,
        result,
        { series: relative(out, resolve(series)) || '.', description: info.description ?? null, from: null },
        {
          players: portableOptions(adapterOptions, out),
          samples,
          selection: 'all (random test samples, F.3)',
          reward: 'log-odds',
          preset,
          niter,
          quick: !!flags.quick,
        },
      );
      finishDynamicsRunStore(store);
    });
}
