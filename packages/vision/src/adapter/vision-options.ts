import { z } from 'zod';
import { optionField, optionBlock } from '@orderlens/core';
import { VISION_DATASETS } from './vision-data.js';

/**
 * The vision adapter's options, one schema from which flags, help and checks are derived (the
 * generic `orderlens analyze vision` adds model, estimator and run options).
 */
export const VISION_OPTIONS = optionBlock({
  dataset: optionField(z.string().optional().describe(VISION_DATASETS), {
    flag: '--dataset <spec>',
    path: true,
  }),
  images: optionField(
    z.string().optional().describe('folder with one subfolder of images per class (instead of --dataset)'),
    { flag: '--images <dir>', path: true },
  ),
  resize: optionField(z.string().optional().describe('with --images: resize every image to WxH'), {
    flag: '--resize <WxH>',
  }),
  limit: optionField(
    z.number().int().min(1).optional().describe('consider only the first k images as candidates'),
    { flag: '--limit <k>' },
  ),
  meta: optionField(
    z
      .string()
      .optional()
      .describe('model meta.json (input, normalisation, classes, cutTensor); default beside the model'),
    { flag: '--meta <file>', path: true },
  ),
  mean: optionField(
    z
      .array(z.number())
      .optional()
      .describe('normalisation mean (in units of pixel·scale), overrides meta.json'),
    { flag: '--mean <v|v,v,v>' },
  ),
  std: optionField(z.array(z.number()).optional().describe('normalisation std, overrides meta.json'), {
    flag: '--std <v|v,v,v>',
  }),
  scale: optionField(
    z.number().optional().describe('pixel multiplier before normalisation (default 1/255)'),
    {
      flag: '--scale <s>',
    },
  ),
  noNormalization: optionField(
    z
      .boolean()
      .optional()
      .describe('the model has no meta.json and takes pixels·scale as they are (say so explicitly)'),
    { flag: '--no-normalization' },
  ),
  layout: optionField(z.enum(['NCHW', 'NHWC', 'nchw', 'nhwc']).optional().describe('model input layout'), {
    flag: '--layout <NCHW|NHWC>',
  }),
  channelOrder: optionField(z.string().optional().describe('colour channel order the model expects'), {
    flag: '--channel-order <RGB|BGR>',
  }),
  grid: optionField(z.string().optional().describe('patch grid of players (default 16×16)'), {
    flag: '--grid <side|RxC>',
  }),
  vitPatch: optionField(
    z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('grid aligned to a ViT patch size p (image/p × image/p players)'),
    { flag: '--vit-patch <p>' },
  ),
  central: optionField(
    z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'only the k grid cells nearest the image centre are players, the others always present (AND-OR papers: 10 of an 8×8 grid)',
      ),
    { flag: '--central <k>' },
  ),
  centralRandom: optionField(
    z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'k grid (or feature-map) cells drawn at random per sample from the central window are the players, the others always present (two-phase paper: 10 of the central 6×6 of an 8×8 grid)',
      ),
    { flag: '--central-random <k>' },
  ),
  centralWindow: optionField(
    z
      .string()
      .optional()
      .describe(
        'with --central-random: the centred window drawn from (default: the grid without its outer ring)',
      ),
    { flag: '--central-window <side|RxC>' },
  ),
  playersSeed: optionField(
    z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('seed of --central-random: the cells of sample k are drawn from Rng(s).fork(k)'),
    { flag: '--players-seed <s>' },
  ),
  featureMap: optionField(
    z
      .string()
      .optional()
      .describe("mask cells of an intermediate feature map (baseline 0); 'meta' takes meta.json's cutTensor"),
    { flag: '--feature-map <tensor>' },
  ),
  baseline: optionField(
    z
      .string()
      .default('mean')
      .describe(
        "absent patches: mean (the model's normalisation mean, else the training images' mean), zero, blur[:sigma], value:v[,v,v]",
      ),
    { flag: '--baseline <spec>' },
  ),
  heatmaps: optionField(
    z.number().int().min(0).default(3).describe('PNG heat maps (low vs high order) for the first k samples'),
    { flag: '--heatmaps <k>', affectsResult: false },
  ),
});
