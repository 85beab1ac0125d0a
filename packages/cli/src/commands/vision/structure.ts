import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  checkBudget,
  describeWork,
  formatCount,
  formatSeconds,
  optionField,
  parseBudget,
  probeWritableDir,
  settingsBlock,
  writeJsonAtomic,
} from '@orderlens/core';
import {
  PatchGrid,
  STRUCTURE_MODES,
  defaultMaskedCounts,
  parseBaseline,
  planStructure,
  structureCurves,
  structureSamples,
  modelImageShape,
  type StructureMode,
} from '@orderlens/vision';
import { InterruptedError } from '../../util/errors.js';
import { INTERRUPT_POLICIES, globalFlags, interruptPolicy, ioOf } from '../../util/io.js';
import { parseGrid, parseIntegerList, parseList } from '../../util/options.js';
import { addBlockOptions, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { linePlot, writePlot } from '../../util/plots.js';
import { progressFor } from '../../util/progress.js';
import { DATASET_HELP, loadVisionData, type VisionDataFlags } from './data.js';
import { openVisionModel, PREPROCESS_OPTIONS, type PreprocessFlags } from './model.js';

interface StructureFlags extends VisionDataFlags, PreprocessFlags {
  model: string;
  out: string;
  grid: string;
  masked?: string;
  steps: string;
  modes: string;
  repeats: string;
  samples: string;
  baseline: string;
  seed: string;
  batchSize: string;
  threads?: string;
  budget?: string;
  dryRun?: boolean;
}

/** `orderlens structure`: accuracy as k of n patches are masked (random vs surrounding). */
/**
 * The counts of `structure`, one schema; `--help` and the parsing are derived from it. The grid,
 * the masked counts, the modes and the baseline have parsers of their own and stay beside it.
 */
export const STRUCTURE_OPTIONS = settingsBlock({
  steps: optionField(
    integerFlag({ min: 2 }).prefault('11').describe('evenly spaced k values when --masked is not given'),
    { argument: '<k>' },
  ),
  repeats: optionField(
    integerFlag({ min: 1 }).prefault('4').describe('random draws per image and k for the random modes'),
    { argument: '<r>' },
  ),
  samples: optionField(
    integerFlag({ min: 1 }).prefault('200').describe('images (the first k of the dataset)'),
    { argument: '<k>' },
  ),
  batchSize: optionField(integerFlag({ min: 1 }).prefault('256').describe('images per model call'), {
    argument: '<k>',
  }),
  threads: optionField(integerFlag({ min: 1 }).optional().describe('ONNX Runtime intra-op threads'), {
    argument: '<k>',
  }),
});

export function registerStructure(program: Command): void {
  const cmd = program
    .command('structure')
    .description(
      'accuracy as k of n patches are masked: random, centrally-surrounding, randomly-surrounding; area between the curves',
    )
    .requiredOption('--model <file>', 'image classifier: .onnx, tfjs model.json, or nsfwjs[:mobilenet_v2]')
    .option('--meta <file>', 'model meta.json (default: beside the model)')
    .option('--dataset <spec>', DATASET_HELP)
    .option('--images <dir>', 'folder with one subfolder of images per class')
    .option('--resize <WxH>', 'with --images: resize every image');
  addBlockOptions(cmd, PREPROCESS_OPTIONS)
    .option('--layout <NCHW|NHWC>', 'model input layout')
    .option('--channel-order <RGB|BGR>', 'colour channel order')
    .option(
      '--no-normalization',
      'the model has no meta.json and takes pixels·scale as they are (say so explicitly)',
    )
    .option('--grid <side|RxC>', 'patch grid', '8')
    .option('--masked <list>', 'numbers k of masked patches (default: --steps evenly spaced from 0 to n)');
  addBlockOptions(cmd, STRUCTURE_OPTIONS, { keys: ['steps'] }).option(
    '--modes <list>',
    `masking modes: ${STRUCTURE_MODES.join(', ')}`,
    STRUCTURE_MODES.join(','),
  );
  addBlockOptions(cmd, STRUCTURE_OPTIONS, { keys: ['repeats', 'samples'] })
    .option('--baseline <spec>', 'absent patches: mean, zero, blur[:sigma], value:v[,v,v]', 'mean')
    .option('--seed <s>', 'seed', '0');
  addBlockOptions(cmd, STRUCTURE_OPTIONS, { keys: ['batchSize', 'threads'] })
    .option(
      '--budget <calls|time>',
      'refuse to start when the plan needs more model calls (e.g. 2e6) or time (e.g. 90s, 10m) than this',
    )
    .requiredOption('--out <dir>', 'output folder: structure.json, structure.svg/png')
    .option(
      '--dry-run',
      'print the plan (model calls, and the time measured on a short warm-up of the model) and exit; writes nothing',
    );
  cmd.action(async (flags: StructureFlags, cmd: Command) => {
    const io = ioOf(cmd);
    interruptPolicy(cmd, INTERRUPT_POLICIES.stopNothingSaved);
    // Options that need neither the model nor the data are checked before either is opened.
    const {
      threads,
      samples: samplesWanted,
      steps,
      repeats,
      batchSize,
    } = parseBlockFlags(STRUCTURE_OPTIONS, {
      steps: flags.steps,
      repeats: flags.repeats,
      samples: flags.samples,
      batchSize: flags.batchSize,
      threads: flags.threads,
    });
    const gridSize = parseGrid(flags.grid);
    const modes = parseList(flags.modes, '--modes').map((m) => {
      if (!STRUCTURE_MODES.includes(m as StructureMode))
        throw new OrderlensInputError(
          '--modes',
          `unknown mode "${m}"; expected ${STRUCTURE_MODES.join(', ')}`,
        );
      return m as StructureMode;
    });
    const spec = parseBaseline(flags.baseline, '--baseline');
    const budget = flags.budget !== undefined ? parseBudget(flags.budget) : undefined;
    const dryRun = flags.dryRun === true;
    // A dry run writes nothing, so it neither creates nor probes --out.
    const out = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
    const model = await openVisionModel(flags.model, flags, { threads });
    try {
      const { dataset, source } = await loadVisionData(
        { ...flags, limit: flags.limit ?? String(samplesWanted) },
        model.shape?.channels,
        model.classes,
      );
      const shape = modelImageShape(model.file, model, dataset);
      const { rows, cols } = gridSize;
      const grid = new PatchGrid(rows, cols, shape.height, shape.width);
      const n = grid.n;
      const masked =
        flags.masked !== undefined
          ? parseIntegerList(flags.masked, '--masked', { min: 0, max: n })
          : defaultMaskedCounts(n, steps);
      // More images than the data holds: clamped, and said so (stderr and structure.json).
      const warnings: string[] = [];
      if (samplesWanted > dataset.count) {
        warnings.push(
          `--samples ${samplesWanted} asks for more images than the data (${source}) provides (${dataset.count}); using all ${dataset.count}`,
        );
        io.stderr(`warning: ${warnings[warnings.length - 1]}\n`);
      }
      const samples = structureSamples(dataset, samplesWanted, model.preprocess, spec, shape);
      const settings = {
        runner: model.runner,
        samples,
        shape,
        grid,
        inputName: model.inputName,
        masked,
        modes,
        repeats,
        seed: flags.seed,
        batchSize,
        signal: io.signal,
      };
      const plan = await planStructure(settings);
      const work = {
        totalCalls: plan.totalCalls,
        breakdown: `${formatCount(plan.callsPerImage[0])} distinct masks on the first image, ${samples.length} images`,
        estimatedSeconds: plan.estimatedSeconds,
      };
      const line = `${describeWork(work)} (${formatSeconds(1 / plan.secondsPerCall!, 'rate')} model calls/s at batch ${batchSize}, measured on ${plan.warmupRows} warm-up rows)`;
      // On stderr like every progress line (none with --quiet); a dry run's one output on stdout.
      if (dryRun) io.stdout(`${line}\n`);
      else if (!globalFlags(cmd).quiet) io.stderr(`${line}\n`);
      if (budget)
        checkBudget(work, budget, '--budget', 'use fewer --samples, --steps or --repeats, or raise --budget');
      if (dryRun) return;
      const progress = progressFor(cmd, { label: 'structure', total: samples.length, unit: 'images' });
      // A few hundred masked images per image: quick, so Ctrl-C simply stops (within one model
      // batch, the Evaluator checks the signal) and writes nothing; a rerun costs little.
      let imagesDone = 0;
      const res = await structureCurves({
        ...settings,
        onProgress: (p) => {
          imagesDone = p.image;
          progress.update(p.image, p.images);
        },
      }).catch((e: unknown) => {
        if (io.signal.aborted && (e as Error | undefined)?.name === 'AbortError')
          throw new InterruptedError(
            `interrupted after ${imagesDone} of ${samples.length} images; nothing was written (structure keeps no partial results: run it again)`,
          );
        throw e;
      });
      progress.finish();
      const area = (m: string) => (res.areas as Record<string, number | undefined>)[m];
      const plot = await linePlot({
        series: modes.map((m) => ({
          label: structureSeriesLabel(m, area(m)),
          x: res.ratios,
          y: res.accuracy[m]!,
        })),
        title: `Accuracy as patches are masked (${rows}×${cols} grid, ${samples.length} images)`,
        xLabel: 'masked fraction k/n',
        yLabel: 'accuracy',
        yDomain: [0, 1],
        xDomain: [0, 1],
      });
      const plots = writePlot(join(out, 'structure'), plot);
      writeJsonAtomic(join(out, 'structure.json'), {
        schema: 'orderlens/structure@1',
        createdAt: new Date().toISOString(),
        model: model.file,
        data: source,
        baseline: flags.baseline,
        seed: flags.seed,
        ...(warnings.length ? { warnings } : {}),
        ...res,
        outputs: plots,
      });
      io.stdout(
        `structure: ${samples.length} images, ${rows}×${cols} grid, ${res.modelCalls} model calls; ` +
          `areas vs random: ${
            Object.entries(res.areas)
              .map(([m, a]) => `${m} ${a!.toFixed(4)}`)
              .join(', ') || 'n/a'
          }; wrote ${join(out, 'structure.json')}\n`,
      );
    } finally {
      await model.runner.dispose();
    }
  });
}

/**
 * The legend entry of one masking mode: its full name (`random-surrounding` and `random` are two
 * different curves, so no part of a name is dropped) and, for the surrounding modes, the area
 * between its curve and the random one.
 */
export function structureSeriesLabel(mode: string, area: number | undefined): string {
  if (area === undefined) return mode;
  return `${mode} (area vs random ${area >= 0 ? '+' : ''}${area.toFixed(3)})`;
}
