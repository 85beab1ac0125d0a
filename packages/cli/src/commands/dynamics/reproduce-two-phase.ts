import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  adapters,
  parseAdapterOptions,
  parseDevice,
  probeWritableDir,
  writeFileAtomic,
  writeJsonAtomic,
  type SelectionSpec,
} from '@orderlens/core';
import {
  parseDynamicsResult,
  twoPhaseTable,
  twoPhaseVerdicts,
  type DynamicsResult,
  type TwoPhaseRow,
  type TwoPhaseVerdict,
} from '@orderlens/core/dynamics';
import { readCheckpointFolder } from '@orderlens/runtime-tfjs';
import { ioOf } from '../../util/io.js';
import { parseChoice, parseInteger } from '../../util/options.js';
import { commandGroup } from '../../util/command-group.js';
import { portableOptions, runDynamicsToFolder } from './run-dynamics.js';

/**
 * The players of the two-phase paper (App. F.3) per modality, as adapter options: 10 random cells
 * of the central 6×6 of an 8×8 grid over the feature map after the second ReLU (meta.json's
 * cutTensor), zero baseline; 10 random meaningful words masked with [MASK]; 10 of 30 k-means
 * clusters at random, masked by their centroids (the point-cloud adapter's defaults); tabular
 * series (not in the paper) use every attribute.
 */
export const TWO_PHASE_PLAYERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  vision: { featureMap: 'meta', grid: '8', centralRandom: '10' },
  text: { wordChoice: 'random', words: '10', shortSentences: 'skip' },
  pointcloud: { regions: '30', players: '10', playerRule: 'random', masking: 'centroid' },
  tabular: {},
};

/** Settings of a full run and of `--quick` (the CI form). */
export const TWO_PHASE_RUNS = {
  // 50 random test samples per network (F.3); 10,000 extraction iterations (the authors' README).
  full: { samples: 50, niter: 10_000 },
  quick: { samples: 3, niter: 1_000 },
} as const;

/** What a series' `index.json` may say about itself (written by tools/training scripts). */
interface SeriesInfo {
  modality?: string;
  options?: Record<string, string>;
  description?: string;
}

function seriesInfo(folder: string): SeriesInfo {
  const path = join(resolve(folder), 'index.json');
  if (!existsSync(path)) return {};
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { series?: SeriesInfo };
    const s = doc.series;
    if (s === undefined) return {};
    if (s === null || typeof s !== 'object')
      throw new OrderlensInputError('--series', `${path}: "series" must be an object`);
    if (s.modality !== undefined && typeof s.modality !== 'string')
      throw new OrderlensInputError('--series', `${path}: "series.modality" must be a string`);
    return s;
  } catch (e) {
    if (e instanceof OrderlensInputError) throw e;
    throw new OrderlensInputError('--series', `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

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
  device: string;
  batchSize: string;
  curves: string;
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
 * `orderlens reproduce two-phase`: the two-phase paper's measurement on a checkpoint series, with
 * its players, reward and salient rule, the figures and a verdict per claim.
 */
export function registerReproduceTwoPhase(program: Command): void {
  commandGroup(program, 'reproduce', 'reproduce the experiments of the papers')
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
    )
    .option(
      '--samples <k>',
      `test samples, taken whether or not they are classified correctly (default ${TWO_PHASE_RUNS.full.samples})`,
    )
    .option('--niter <k>', `AND-OR iterations per checkpoint (default ${TWO_PHASE_RUNS.full.niter})`)
    .option(
      '--preset <name>',
      "AND-OR conventions: authors (the paper's code: salient ≥ 1 % of max|I| per sample, v − v(∅)) or orderlens",
      'authors',
    )
    .option('--players-seed <s>', 'seed of the random players (cells, words)', '0')
    .option('--device <name>', 'auto | cpu | cuda | webgpu | wasm', 'auto')
    .option('--batch-size <k>', 'inputs per model call (never changes the numbers)', '256')
    .option('--curves <k>', 'epochs drawn in the distribution figure', '6')
    .action(async (flags: ReproduceTwoPhaseFlags, command: Command) => {
      const io = ioOf(command);
      if ((flags.series === undefined) === (flags.fromDynamics === undefined))
        throw new OrderlensInputError('--series', 'give either --series <folder> or --from-dynamics <file>');
      if (flags.fromDynamics !== undefined) {
        const file = resolve(flags.fromDynamics);
        if (!existsSync(file))
          throw new OrderlensInputError('--from-dynamics', `${flags.fromDynamics} does not exist`);
        let raw: unknown;
        try {
          raw = JSON.parse(readFileSync(file, 'utf8'));
        } catch (e) {
          throw new OrderlensInputError(
            '--from-dynamics',
            `${file} is not valid JSON: ${(e as Error).message}`,
          );
        }
        const result = parseDynamicsResult(raw, '--from-dynamics');
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
      const info = seriesInfo(series);
      const modality = flags.modality ?? info.modality;
      if (modality === undefined)
        throw new OrderlensInputError(
          '--modality',
          `the series' index.json does not say its modality ("series": {"modality": …}); give --modality ${adapters.names().join('|')}`,
        );
      const adapter = adapters.get(modality, '--modality');
      const run = flags.quick ? TWO_PHASE_RUNS.quick : TWO_PHASE_RUNS.full;
      const samples =
        flags.samples !== undefined ? parseInteger(flags.samples, '--samples', { min: 1 }) : run.samples;
      const niter = flags.niter !== undefined ? parseInteger(flags.niter, '--niter', { min: 1 }) : run.niter;
      const preset = parseChoice(flags.preset, '--preset', ['authors', 'orderlens'] as const);
      const playersSeed = parseInteger(flags.playersSeed, '--players-seed', { min: 0 });
      // A file the series names (the text series' sentences) is read from the series folder, so
      // the series works from any directory; a value that is no file there (`modelnet10:test`, a
      // dataset name) is passed on as written.
      const seriesOptions = Object.fromEntries(
        Object.entries(info.options ?? {}).map(([k, v]) => [
          k,
          adapter.options.descriptors.some((o) => o.key === k && o.path) &&
          typeof v === 'string' &&
          !isAbsolute(v) &&
          existsSync(resolve(series, v))
            ? resolve(series, v)
            : v,
        ]),
      );
      const raw: Record<string, unknown> = {
        ...seriesOptions,
        ...(TWO_PHASE_PLAYERS[adapter.name] ?? {}),
        ...(adapter.options.descriptors.some((o) => o.key === 'playersSeed')
          ? { playersSeed: String(playersSeed) }
          : {}),
      };
      const adapterOptions = parseAdapterOptions(adapter.options, raw);
      const device = parseDevice(flags.device);
      const batchSize = parseInteger(flags.batchSize, '--batch-size', { min: 1 });
      const curves = parseInteger(flags.curves, '--curves', { min: 1, max: 12 });
      // F.3: random test samples, not only correctly classified ones.
      const selection: SelectionSpec = { ...adapter.defaultSelection, samples, rule: 'all' };
      const out = probeWritableDir(resolve(flags.out), '--out');

      let result: DynamicsResult;
      try {
        ({ result } = await runDynamicsToFolder({
          command,
          adapter,
          adapterOptions,
          folder,
          field: '--series',
          selection,
          reward: 'log-odds',
          andOr: { preset, niter },
          device,
          batchSize,
          out,
          curves,
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
    });
}
