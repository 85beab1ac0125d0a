import { resolve } from 'node:path';
import type { Command } from 'commander';
import { probeWritableDir } from '@orderlens/core';
import {
  initTfjs,
  MAX_LEARNING_RATE,
  parseTfjsBackends,
  CHECKPOINT_SUBDIR,
  planTrainingCheckpoint,
  withTrainingOptionNames,
  trainPatchCnn,
} from '@orderlens/runtime-tfjs';
import { patchTrainingSet, loadCifar10Subset } from '@orderlens/vision';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import { parseGrid } from '../../util/options.js';
import { addBlockOptions } from '../../util/option-schema.js';
import {
  loadVisionData,
  DATASET_HELP,
  parseVisionLimit,
  VISION_DATA_OPTIONS,
  type VisionDataFlags,
} from './data.js';
import { commandGroup } from '../../util/command-group.js';
import {
  addTrainingOptions,
  applyDeprecatedTrainingFlags,
  parseTrainingOptions,
  trainingOptionsBlock,
} from '../training-options.js';

/** Flags of `train vision` besides the shared training block (its raw values, by key). */
interface TrainFlags extends VisionDataFlags {
  out: string;
  grid: string;
  resume: boolean;
}

/** The shared training flags with `train vision`'s defaults (its trainer is Adam only). */
export const VISION_TRAINING_OPTIONS = trainingOptionsBlock({
  epochs: '10',
  batchSize: '64',
  batchOf: 'images',
  learningRate: '0.002',
  learningRateHelp: 'Adam learning rate',
  runtime: { maxLearningRate: MAX_LEARNING_RATE, parseBackends: parseTfjsBackends },
});

/** `orderlens train vision`: a small CNN trained with grid-mask order losses (tfjs). */
export function registerTrainVision(program: Command): void {
  const command = commandGroup(program, 'train', 'train models (with order losses)')
    .command('vision')
    .description(
      'train a small patch CNN (tfjs) on images, optionally with the order losses L+/L− over its patch grid',
    )
    .option('--dataset <spec>', `${DATASET_HELP} (default cifar10-train)`)
    .option('--images <dir>', 'folder with one subfolder of images per class')
    .option('--resize <WxH>', 'with --images: resize every image');
  addBlockOptions(command, VISION_DATA_OPTIONS).option(
    '--grid <side|RxC>',
    'players of the order losses: patch grid',
    '8',
  );
  addTrainingOptions(command, VISION_TRAINING_OPTIONS, { optimizers: false });
  command
    .requiredOption(
      '--out <dir>',
      `output folder: model.json, weights.bin, meta.json; ${CHECKPOINT_SUBDIR}/ after every epoch`,
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
      // Options that need no data are checked first, before anything is read or written.
      const {
        epochs,
        batchSize,
        learningRate,
        lambdaPlus,
        lambdaMinus,
        orderLoss,
        seed,
        tfjsBackend: backends,
      } = parseTrainingOptions(VISION_TRAINING_OPTIONS, flags);
      const { rows, cols } = parseGrid(flags.grid);
      const limit = parseVisionLimit(flags);
      const out = probeWritableDir(resolve(flags.out), '--out');
      const checkpoint = planTrainingCheckpoint(out, flags.resume);
      const backend = await initTfjs(backends);
      const { dataset, source } =
        flags.dataset === undefined && flags.images === undefined
          ? {
              dataset: loadCifar10Subset('train', limit !== undefined ? { limit } : {}),
              source: 'cifar10 train subset',
            }
          : await loadVisionData(flags);
      const set = patchTrainingSet(dataset, { rows, cols });
      const { history, modelFile } = await withTrainingOptionNames(() =>
        trainPatchCnn({
          data: {
            ...set,
            labels: dataset.labels,
            count: dataset.count,
            classNames: dataset.classNames,
            source,
            grid: { rows, cols, n: set.grid.n, playerOfFeature: set.grid.playerOfElement(set.shape) },
          },
          orderLoss: { spec: orderLoss.spec, terms: orderLoss.terms, lambdaPlus, lambdaMinus },
          epochs,
          batchSize,
          learningRate,
          seed,
          out,
          checkpoint,
          backend,
          generatedBy: 'orderlens train vision',
          signal: io.signal,
          onEpoch: (s) => {
            if (!cmd.optsWithGlobals<{ quiet?: boolean }>().quiet)
              io.stderr(
                `epoch ${s.epoch + 1}/${epochs}: loss ${s.loss.toFixed(4)} CE ${s.crossEntropy.toFixed(4)} acc ${s.accuracy.toFixed(4)} (${s.seconds.toFixed(1)}s)\n`,
              );
          },
        }),
      );
      const last = history[history.length - 1];
      io.stdout(
        `train vision: ${orderLoss.spec} on ${dataset.count} images, final train accuracy ${last.accuracy.toFixed(4)}; wrote ${modelFile}\n`,
      );
    });
}
