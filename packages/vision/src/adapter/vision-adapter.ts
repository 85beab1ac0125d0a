import type { ModalityAdapter } from '@orderlens/core';
import { VISION_OPTIONS } from './vision-options.js';
import { VISION_ANALYSIS_PROTOCOLS, checkPairsFitTheGrid } from './vision-protocols.js';
import { openVisionSession } from './vision-session.js';
import { visionViews } from './vision-views.js';

/**
 * Images as games: patches of a grid (or cells of a feature map) are the players, absent
 * patches take a baseline. Reads CIFAR-10 / Fashion-MNIST subsets shipped in the package,
 * CIFAR binaries, IDX files and image folders.
 */
export const visionAdapter: ModalityAdapter = {
  name: 'vision',
  description: 'image classifiers: patch-grid, ViT-aligned or feature-map players',
  options: VISION_OPTIONS,
  protocols: VISION_ANALYSIS_PROTOCOLS,
  views: visionViews,
  defaultProtocol: 'unbiased',
  defaultSelection: { rule: 'correct', perClass: 5, order: 'class' },
  dataSources: [
    'cifar10',
    'cifar10-train',
    'fashion-mnist[:dir]',
    'cifar-bin:<file>',
    'idx:<images>,<labels>',
    '--images <dir>',
  ],
  sampleSource: { option: 'dataset', kind: 'source' },
  checkPlan: checkPairsFitTheGrid,
  open: openVisionSession,
  // Grid and feature-map cells are the same on every image, unless each image draws its own.
  playersOption: 'grid',
  unsharedPlayers: (options) =>
    options.centralRandom !== undefined
      ? {
          option: 'centralRandom',
          reason:
            'draws each image its own cells, so player i is a different cell on every image: use --central <k> (the same k central cells on every image)',
        }
      : undefined,
};
