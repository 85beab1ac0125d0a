import type { OptionDescriptor } from '@orderlens/core';
import { VISION_DATASETS } from './vision-data.js';

/** The vision adapter's options (the generic `orderlens analyze vision` adds model, estimator and run options). */
export const VISION_OPTIONS: readonly OptionDescriptor[] = [
  { key: 'dataset', flag: '--dataset <spec>', type: 'string', path: true, description: VISION_DATASETS },
  {
    key: 'images',
    flag: '--images <dir>',
    type: 'string',
    path: true,
    description: 'folder with one subfolder of images per class (instead of --dataset)',
  },
  {
    key: 'resize',
    flag: '--resize <WxH>',
    type: 'string',
    description: 'with --images: resize every image to WxH',
  },
  {
    key: 'limit',
    flag: '--limit <k>',
    type: 'integer',
    min: 1,
    description: 'consider only the first k images as candidates',
  },
  {
    key: 'meta',
    flag: '--meta <file>',
    type: 'string',
    path: true,
    description: 'model meta.json (input, normalisation, classes, cutTensor); default beside the model',
  },
  {
    key: 'mean',
    flag: '--mean <v|v,v,v>',
    type: 'list',
    description: 'normalisation mean (in units of pixel·scale), overrides meta.json',
  },
  {
    key: 'std',
    flag: '--std <v|v,v,v>',
    type: 'list',
    description: 'normalisation std, overrides meta.json',
  },
  {
    key: 'scale',
    flag: '--scale <s>',
    type: 'number',
    description: 'pixel multiplier before normalisation (default 1/255)',
  },
  {
    key: 'noNormalization',
    flag: '--no-normalization',
    type: 'boolean',
    description: 'the model has no meta.json and takes pixels·scale as they are (say so explicitly)',
  },
  {
    key: 'layout',
    flag: '--layout <NCHW|NHWC>',
    type: 'string',
    choices: ['NCHW', 'NHWC', 'nchw', 'nhwc'],
    description: 'model input layout',
  },
  {
    key: 'channelOrder',
    flag: '--channel-order <RGB|BGR>',
    type: 'string',
    description: 'colour channel order the model expects',
  },
  {
    key: 'grid',
    flag: '--grid <side|RxC>',
    type: 'string',
    description: 'patch grid of players (default 16×16)',
  },
  {
    key: 'vitPatch',
    flag: '--vit-patch <p>',
    type: 'integer',
    min: 1,
    description: 'grid aligned to a ViT patch size p (image/p × image/p players)',
  },
  {
    key: 'central',
    flag: '--central <k>',
    type: 'integer',
    min: 1,
    description:
      'only the k grid cells nearest the image centre are players, the others always present (AND-OR papers: 10 of an 8×8 grid)',
  },
  {
    key: 'centralRandom',
    flag: '--central-random <k>',
    type: 'integer',
    min: 1,
    description:
      'k grid (or feature-map) cells drawn at random per sample from the central window are the players, the others always present (two-phase paper: 10 of the central 6×6 of an 8×8 grid)',
  },
  {
    key: 'centralWindow',
    flag: '--central-window <side|RxC>',
    type: 'string',
    description:
      'with --central-random: the centred window drawn from (default: the grid without its outer ring)',
  },
  {
    key: 'playersSeed',
    flag: '--players-seed <s>',
    type: 'integer',
    min: 0,
    default: 0,
    description: 'seed of --central-random: the cells of sample k are drawn from Rng(s).fork(k)',
  },
  {
    key: 'featureMap',
    flag: '--feature-map <tensor>',
    type: 'string',
    description: "mask cells of an intermediate feature map (baseline 0); 'meta' takes meta.json's cutTensor",
  },
  {
    key: 'baseline',
    flag: '--baseline <spec>',
    type: 'string',
    default: 'mean',
    description:
      "absent patches: mean (the model's normalisation mean, else the training images' mean), zero, blur[:sigma], value:v[,v,v]",
  },
  {
    key: 'heatmaps',
    flag: '--heatmaps <k>',
    type: 'integer',
    min: 0,
    default: 3,
    affectsResult: false,
    description: 'PNG heat maps (low vs high order) for the first k samples',
  },
];
