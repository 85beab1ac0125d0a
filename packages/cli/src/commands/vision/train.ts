import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Rng, probeWritableDir, writeJsonAtomic } from '@orderlens/core';
import { parseOrderLossSpec } from '@orderlens/core/math';
import {
  buildPatchCnn,
  initTfjs,
  CHECKPOINT_SUBDIR,
  MAX_LEARNING_RATE,
  planTrainingCheckpoint,
  trainingInterrupted,
  withTrainingOptionNames,
  parseTfjsBackends,
  saveLayersModel,
  trainClassifier,
  type EpochStats,
} from '@orderlens/runtime-tfjs';
import { patchTrainingSet, loadCifar10Subset } from '@orderlens/vision';
import { withOptionNames } from '../../util/errors.js';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import { parseFloatOption, parseGrid, parseInteger, parseSeed } from '../../util/options.js';
import { loadVisionData, DATASET_HELP, type VisionDataFlags } from './data.js';
import { commandGroup } from '../../util/command-group.js';
import { addTrainingOptions, applyDeprecatedTrainingFlags, type TrainingFlags } from '../training-options.js';

interface TrainFlags extends VisionDataFlags, TrainingFlags {
  out: string;
  grid: string;
  learningRate: string;
  resume: boolean;
}

/** `orderlens train vision`: a small CNN trained with grid-mask order losses (tfjs). */
export function registerTrainVision(program: Command): void {
  const command = commandGroup(program, 'train', 'train models (with order losses)')
    .command('vision')
    .description(
      'train a small patch CNN (tfjs) on images, optionally with the order losses L+/L− over its patch grid',
    )
    .option('--dataset <spec>', `${DATASET_HELP} (default cifar10-train)`)
    .option('--images <dir>', 'folder with one subfolder of images per class')
    .option('--resize <WxH>', 'with --images: resize every image')
    .option('--limit <k>', 'use the first k images')
    .option('--grid <side|RxC>', 'players of the order losses: patch grid', '8');
  addTrainingOptions(command, {
    epochs: '10',
    batchSize: '64',
    batchOf: 'images',
    learningRate: '0.002',
    learningRateHelp: 'Adam learning rate',
  });
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
      const epochs = parseInteger(flags.epochs, '--epochs', { min: 1 });
      const batchSize = parseInteger(flags.batchSize, '--batch-size', { min: 1 });
      const learningRate = parseFloatOption(flags.learningRate, '--learning-rate', {
        greaterThan: 0,
        max: MAX_LEARNING_RATE,
      });
      const lambdaPlus = parseFloatOption(flags.lambdaPlus, '--lambda-plus', { min: 0 });
      const lambdaMinus = parseFloatOption(flags.lambdaMinus, '--lambda-minus', { min: 0 });
      const terms = withOptionNames({ losses: '--order-loss' }, () => parseOrderLossSpec(flags.orderLoss));
      // One parse for every use: "0" and 0 are the same seed, "0x10" is a string seed.
      const seedText = parseSeed(flags.seed);
      const { rows, cols } = parseGrid(flags.grid);
      const backends = flags.tfjsBackend !== undefined ? parseTfjsBackends(flags.tfjsBackend) : undefined;
      const out = probeWritableDir(resolve(flags.out), '--out');
      const checkpoint = planTrainingCheckpoint(out, flags.resume);
      const backend = await initTfjs(backends);
      const { dataset, source } =
        flags.dataset === undefined && flags.images === undefined
          ? {
              dataset: loadCifar10Subset(
                'train',
                flags.limit ? { limit: parseInteger(flags.limit, '--limit', { min: 1 }) } : {},
              ),
              source: 'cifar10 train subset',
            }
          : await loadVisionData(flags);
      const { shape, x, size, mean, std, grid, patch } = patchTrainingSet(dataset, { rows, cols });
      const seedNum = typeof seedText === 'number' ? seedText : Rng.create(seedText).int(1 << 30);
      const model = buildPatchCnn(shape, patch, dataset.classNames.length, seedNum);
      const result = await withTrainingOptionNames(() =>
        trainClassifier({
          model,
          x,
          y: dataset.labels,
          featureCount: size,
          epochs,
          batchSize,
          learningRate,
          seed: seedText,
          ...(terms.length > 0
            ? {
                orderLosses: {
                  terms,
                  lambdaPlus,
                  lambdaMinus,
                  players: grid.n,
                  playerOfFeature: grid.playerOfElement(shape),
                  // The dataset mean is 0 after normalisation with its own statistics.
                  baseline: new Float32Array(size),
                },
              }
            : {}),
          onEpoch: (s) => {
            if (!cmd.optsWithGlobals<{ quiet?: boolean }>().quiet)
              io.stderr(
                `epoch ${s.epoch + 1}/${epochs}: loss ${s.loss.toFixed(4)} CE ${s.crossEntropy.toFixed(4)} acc ${s.accuracy.toFixed(4)} (${s.seconds.toFixed(1)}s)\n`,
              );
          },
          checkpoint: { dir: checkpoint.dir },
          resumeFrom: checkpoint.resumeFrom,
          signal: io.signal,
        }),
      );
      if (result.interrupted) {
        model.dispose();
        throw trainingInterrupted(result.history.length, epochs, checkpoint.dir);
      }
      // Restored epochs included.
      const history: EpochStats[] = result.history;
      const modelJson = await saveLayersModel(model, out);
      // Atomic (temporary file, then rename), like every result file.
      writeJsonAtomic(
        join(out, 'meta.json'),
        {
          model: `patch CNN (tfjs): ${shape.height / rows}×${shape.height / rows} stride-${shape.height / rows} conv (as dense) 32 ReLU, per-token dense 16 ReLU, Dense 64 ReLU, Dense ${dataset.classNames.length}`,
          generatedBy: 'orderlens train vision',
          backend,
          input: {
            shape: ['batch', shape.height, shape.width, shape.channels],
            layout: 'NHWC',
            channelOrder: 'RGB',
          },
          classes: dataset.classNames,
          normalization: { formula: '(pixel / 255 - mean[c]) / std[c]', mean, std, source },
          orderLoss: {
            spec: flags.orderLoss,
            terms,
            grid: { rows, cols },
            lambdaPlus,
            lambdaMinus,
          },
          training: {
            epochs: history.length,
            batchSize,
            learningRate,
            seed: seedText,
            images: dataset.count,
            ...(result.startEpoch > 0 ? { resumedEpochs: result.startEpoch } : {}),
          },
          history,
        },
        1,
      );
      const last = history[history.length - 1];
      io.stdout(
        `train vision: ${flags.orderLoss} on ${dataset.count} images, final train accuracy ${last.accuracy.toFixed(4)}; wrote ${modelJson}\n`,
      );
      model.dispose();
    });
}
