import { join } from 'node:path';
import { repoPath } from './repo-path.js';

/** The committed label-noise series: VGG-11 checkpoints trained on Fashion-MNIST with 1 % of labels reset. */
export const LABEL_NOISE_SERIES = repoPath('fixtures/two-phase/fmnist-vgg11');
const noise = join(LABEL_NOISE_SERIES, 'label-noise');
/** The series' relabelled-samples file. */
export const RELABELLED_FILE = join(noise, 'relabelled.json');

/**
 * `orderlens mislabeled` over the label-noise series at a test's size: 2 samples per group, 10
 * random central cells of an 8×8 grid over the feature map, the given epochs and iterations.
 */
export function mislabeledArgs(
  out: string,
  o: { readonly epochs: readonly number[]; readonly niter?: string; readonly relabelled?: string },
): string[] {
  return [
    'mislabeled',
    '--checkpoints',
    LABEL_NOISE_SERIES,
    '--modality',
    'vision',
    '--dataset',
    `idx:${join(noise, 'images-idx3-ubyte.gz')},${join(noise, 'labels-idx1-ubyte.gz')}`,
    '--relabelled',
    o.relabelled ?? RELABELLED_FILE,
    '--feature-map',
    'meta',
    '--grid',
    '8',
    '--central-random',
    '10',
    '--samples',
    '2',
    '--epochs',
    o.epochs.join(','),
    '--niter',
    o.niter ?? '100',
    '--out',
    out,
  ];
}
