import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  optionField,
  probeWritableDir,
  requireInput,
  settingsBlock,
} from '@orderlens/core';
import {
  MLP_ARCHITECTURES,
  SNAPSHOT_SUBDIR,
  initTfjs,
  MAX_LEARNING_RATE,
  parseTfjsBackends,
  CHECKPOINT_SUBDIR,
  planTrainingCheckpoint,
  trainTabularModel,
  type TabularTrainSpec,
} from '@orderlens/runtime-tfjs';
import { loadTrainingData, PREPROCESSING_FILE } from '@orderlens/tabular';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import { parseIntegerList, parseList } from '../../util/options.js';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  numberFlag,
  parseBlockFlags,
  parsedText,
} from '../../util/option-schema.js';
import { progressFor } from '../../util/progress.js';
import { commandGroup } from '../../util/command-group.js';
import {
  TRAINING_OPTIMIZERS,
  addTrainingOptions,
  applyDeprecatedTrainingFlags,
  parseTrainingOptions,
  trainingOptionsBlock,
} from '../training-options.js';

/** Flags of `train tabular` besides the shared training block (its raw values, by key). */
interface TrainFlags {
  dataset?: string;
  csv?: string;
  target?: string;
  ignore?: string;
  categorical?: string;
  testCsv?: string;
  testFraction: string;
  arch: string;
  layers?: string;
  hidden: string;
  balance: boolean;
  trainRows?: string;
  baseline?: string;
  out: string;
  resume: boolean;
  saveEpochs?: string;
  saveEvery?: string;
  labelNoise?: string;
}

/**
 * The epochs `--save-epochs` (a list; 0 is the initialisation) or `--save-every k` (0, k, 2k, …
 * and the last epoch) name; undefined when neither is given.
 */
export function snapshotEpochs(
  flags: Pick<TrainFlags, 'saveEpochs' | 'saveEvery'>,
  epochs: number,
): number[] | undefined {
  if (flags.saveEpochs !== undefined && flags.saveEvery !== undefined)
    throw new OrderlensInputError('--save-every', 'give either --save-epochs or --save-every, not both');
  if (flags.saveEpochs !== undefined) {
    const list = parseIntegerList(flags.saveEpochs, '--save-epochs', { min: 0, max: epochs });
    for (let k = 1; k < list.length; k++)
      requireInput(
        list[k] > list[k - 1],
        '--save-epochs',
        `expected increasing epochs, got ${list[k]} after ${list[k - 1]}`,
      );
    return list;
  }
  if (flags.saveEvery !== undefined) {
    const k = parseBlockFlags(TABULAR_TRAIN_OPTIONS, { saveEvery: flags.saveEvery }).saveEvery!;
    const out: number[] = [];
    for (let e = 0; e < epochs; e += k) out.push(e);
    out.push(epochs);
    return out;
  }
  return undefined;
}

/**
 * The flags of `train tabular` beside the shared training block: the CSV's columns and split,
 * the MLP's shape, which rows train and how many labels are flipped. One schema; `--help` and
 * the parsing are derived from it. (`--save-epochs` is read against `--epochs`, in
 * {@link snapshotEpochs}.)
 */
export const TABULAR_TRAIN_OPTIONS = settingsBlock({
  ignore: optionField(parsedText(parseList).optional().describe('columns of --csv to leave out'), {
    argument: '<columns>',
  }),
  categorical: optionField(
    parsedText(parseList).optional().describe('columns of --csv to treat as categorical even if numeric'),
    { argument: '<columns>' },
  ),
  testFraction: optionField(
    numberFlag({ greaterThan: 0, max: 0.9 }).prefault('0.2').describe('test share when splitting --csv'),
    { argument: '<f>' },
  ),
  arch: optionField(
    choiceFlag(Object.keys(MLP_ARCHITECTURES))
      .prefault('mlp5')
      .describe(`architecture: ${Object.keys(MLP_ARCHITECTURES).join(', ')} (Dense layers in total)`),
    { argument: '<name>' },
  ),
  layers: optionField(
    integerFlag({ min: 1, max: 64 }).optional().describe('Dense layers in total (overrides --arch)'),
    { argument: '<k>' },
  ),
  hidden: optionField(integerFlag({ min: 1 }).prefault('100').describe('units per hidden layer'), {
    argument: '<units>',
  }),
  trainRows: optionField(
    integerFlag({ min: 1 }).optional().describe('train on the first k training rows only (quick runs)'),
    { argument: '<k>' },
  ),
  saveEvery: optionField(
    integerFlag({ min: 1 }).optional().describe('like --save-epochs with epochs 0, k, 2k, … and the last'),
    { argument: '<k>' },
  ),
  labelNoise: optionField(
    numberFlag({ min: 0, max: 0.99 })
      .optional()
      .describe(
        'give a seeded fraction p of the training rows another label (over-fitting shows, as in the two-phase paper)',
      ),
    { argument: '<p>' },
  ),
});

/** The shared training flags with `train tabular`'s defaults (its trainer offers Adam and SGD). */
export const TABULAR_TRAINING_OPTIONS = trainingOptionsBlock({
  epochs: '20',
  batchSize: '128',
  batchOf: 'rows',
  learningRateHelp: `learning rate (default: adam ${TRAINING_OPTIMIZERS.adam.lr}, sgd ${TRAINING_OPTIMIZERS.sgd.lr})`,
  tfjsBackend: 'wasm,cpu',
  runtime: { maxLearningRate: MAX_LEARNING_RATE, parseBackends: parseTfjsBackends },
});

/** Reads the training spec from flags: the shared training block, then the MLP's shape. */
export function trainSpecFromFlags(
  flags: Pick<TrainFlags, 'arch' | 'layers' | 'hidden' | 'balance'> & object,
): TabularTrainSpec {
  const shape = parseBlockFlags(TABULAR_TRAIN_OPTIONS, {
    arch: flags.arch,
    layers: flags.layers,
    hidden: flags.hidden,
  });
  const o = parseTrainingOptions(TABULAR_TRAINING_OPTIONS, flags);
  // The MLP's spec (written to training.json) keeps a numeric seed.
  if (typeof o.seed !== 'number' || o.seed < 0)
    throw new OrderlensInputError('--seed', `expected an integer ≥ 0, got ${JSON.stringify(String(o.seed))}`);
  return {
    layers: shape.layers ?? MLP_ARCHITECTURES[shape.arch],
    hidden: shape.hidden,
    loss: o.orderLoss.spec,
    lambdaPlus: o.lambdaPlus,
    lambdaMinus: o.lambdaMinus,
    epochs: o.epochs,
    batchSize: o.batchSize,
    // Adam specs keep no optimizer fields, as they were written before SGD was offered.
    ...(o.optimizer === 'sgd'
      ? { optimizer: o.optimizer, momentum: o.momentum, learningRate: o.learningRate }
      : { learningRate: o.learningRate }),
    seed: o.seed,
    balance: flags.balance,
  };
}

/** `orderlens train tabular`: trains an MLP on census or a CSV, optionally with order losses. */
export function registerTrain(program: Command): void {
  const command = commandGroup(program, 'train', 'train models (with order losses) for analysis')
    .command('tabular')
    .description(
      'train an MLP on tabular data with TensorFlow.js; order losses steer which interaction orders it learns',
    )
    .option('--dataset <name>', 'built-in dataset: census (UCI Adult, Learn recipe)', 'census')
    .option('--csv <file>', 'your own CSV with a header (instead of --dataset)')
    .option('--target <column>', 'label column of --csv');
  addBlockOptions(command, TABULAR_TRAIN_OPTIONS, { keys: ['ignore', 'categorical'] });
  command.option('--test-csv <file>', 'held-out CSV (default: a seeded split of --csv)');
  addBlockOptions(command, TABULAR_TRAIN_OPTIONS, { keys: ['testFraction', 'arch', 'layers', 'hidden'] });
  addTrainingOptions(command, TABULAR_TRAINING_OPTIONS, { optimizers: true });
  command.option('--no-balance', 'plain shuffling instead of class-balanced sampling');
  addBlockOptions(command, TABULAR_TRAIN_OPTIONS, { keys: ['trainRows'] });
  command
    .option('--baseline <spec>', 'absent value in order losses: mean, zero, median, custom:v1,…', 'mean')
    .option(
      '--save-epochs <list>',
      `also save the model after these epochs (0 = before training) into <out>/${SNAPSHOT_SUBDIR}/epoch-<e>/, listed with train/test loss in <out>/${SNAPSHOT_SUBDIR}/index.json (for orderlens dynamics)`,
    );
  addBlockOptions(command, TABULAR_TRAIN_OPTIONS, { keys: ['saveEvery', 'labelNoise'] });
  command
    .requiredOption(
      '--out <dir>',
      `output directory: model.json, weights.bin, preprocessing.json, training.json; ${CHECKPOINT_SUBDIR}/ after every epoch`,
    )
    .option(
      '--resume',
      `continue the run checkpointed in <out>/${CHECKPOINT_SUBDIR} (same options; --epochs may grow)`,
      false,
    )
    .action(async (flags: TrainFlags, cmd: Command) => {
      const io = ioOf(cmd);
      applyDeprecatedTrainingFlags(flags as unknown as Record<string, unknown>, cmd, io.stderr);
      interruptPolicy(cmd, INTERRUPT_POLICIES.finishEpoch);
      checkDataSourceFlags(flags, (name) => cmd.getOptionValueSource(name) === 'cli');
      const spec = trainSpecFromFlags(flags);
      const { tfjsBackend: backends } = parseTrainingOptions(TABULAR_TRAINING_OPTIONS, flags);
      const out = probeWritableDir(resolve(flags.out), '--out');
      const saveEpochs = snapshotEpochs(flags, spec.epochs);
      const { ignore, categorical, testFraction, trainRows, labelNoise } = parseBlockFlags(
        TABULAR_TRAIN_OPTIONS,
        flags,
      );
      const checkpoint = planTrainingCheckpoint(out, flags.resume);
      const { train, test, dataset, baseline } = loadTrainingData(
        flags.csv !== undefined
          ? {
              csv: {
                csv: flags.csv,
                target: requiredTarget(flags.target),
                ignore,
                categorical,
                testCsv: flags.testCsv,
                testFraction,
                seed: spec.seed,
                warn: (m) => io.stderr(`warning: ${m}\n`),
              },
            }
          : { dataset: flags.dataset },
        {
          trainRows,
          baseline: flags.baseline,
        },
      );
      await initTfjs(backends);
      // Counts this session's epochs, so the rate and ETA are right after --resume.
      const progress = progressFor(cmd, {
        label: 'train',
        total: Math.max(0, spec.epochs - checkpoint.epochsDone),
        unit: 'epochs',
      });
      let summary;
      try {
        summary = await trainTabularModel({
          spec,
          train,
          test,
          baseline,
          outDir: out,
          dataset,
          preprocessingFile: PREPROCESSING_FILE,
          checkpoint: { dir: checkpoint.dir },
          resumeFrom: checkpoint.resumeFrom,
          signal: io.signal,
          labelNoise,
          snapshots: saveEpochs ? { dir: join(out, SNAPSHOT_SUBDIR), epochs: saveEpochs } : undefined,
          onEpoch: (s) => {
            progress.log(
              `epoch ${s.epoch + 1}/${spec.epochs}: loss ${s.loss.toFixed(4)}, train ${(100 * s.accuracy).toFixed(2)}%, ` +
                `test ${(100 * (s.validationAccuracy ?? 0)).toFixed(2)}% (${s.seconds.toFixed(1)}s)`,
            );
            progress.update(s.epoch + 1 - checkpoint.epochsDone);
          },
        });
      } finally {
        progress.finish();
      }
      io.stdout(
        `trained ${spec.layers}-layer MLP (${spec.loss}) on ${summary.trainRows} rows: train accuracy ${(100 * summary.trainAccuracy).toFixed(2)}%, ` +
          `test ${(100 * summary.testAccuracy).toFixed(2)}%` +
          (summary.resumedEpochs !== undefined ? ` (resumed after epoch ${summary.resumedEpochs})` : '') +
          (summary.labelNoise ? `, ${summary.labelNoise.flipped} training labels flipped` : '') +
          `; wrote ${summary.modelFile}` +
          (summary.snapshots
            ? ` and ${summary.snapshots.epochs.length} snapshots in ${summary.snapshots.dir}`
            : '') +
          '\n',
      );
    });
}

/** `--target`, which training on a `--csv` needs. */
function requiredTarget(target: string | undefined): string {
  requireInput(target !== undefined, '--target', 'training on --csv needs the label column');
  return target;
}

/** The flags that describe a `--csv` and mean nothing for a built-in `--dataset`. */
const CSV_ONLY_FLAGS: ReadonlyArray<readonly [key: keyof TrainFlags, flag: string]> = [
  ['target', '--target'],
  ['ignore', '--ignore'],
  ['categorical', '--categorical'],
  ['testCsv', '--test-csv'],
  ['testFraction', '--test-fraction'],
];

/**
 * Refuses data-source flags that contradict each other instead of ignoring one silently:
 * `--dataset` given together with `--csv` (the CSV would win), and a flag that describes a CSV
 * (`--target`, `--ignore`, `--categorical`, `--test-csv`, `--test-fraction`) without one.
 *
 * @param given - Whether the user typed the option (its default does not count).
 */
function checkDataSourceFlags(flags: TrainFlags, given: (key: string) => boolean): void {
  if (flags.csv !== undefined && given('dataset'))
    throw new OrderlensInputError(
      '--dataset',
      `give either --dataset (a built-in dataset) or --csv (your own file), not both; got --dataset ${flags.dataset} and --csv ${flags.csv}`,
    );
  if (flags.csv === undefined)
    for (const [key, flag] of CSV_ONLY_FLAGS)
      if (given(key))
        throw new OrderlensInputError(
          flag,
          `describes a --csv file; --dataset ${flags.dataset ?? 'census'} has its own columns and split`,
        );
}
