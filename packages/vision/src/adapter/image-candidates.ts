import {
  selectSamples,
  type ModalitySession,
  type CountedRunner,
  type SelectedSamples,
  type SelectionSpec,
} from '@orderlens/core';
import { datasetImage, type ImageDataset } from '../data/dataset.js';
import { toModelBatch, type PreprocessOptions } from '../image/preprocess.js';

/** The candidates of an image dataset, as a vision session gives them to the sample selection. */
export type ImageCandidates = Pick<ModalitySession, 'candidates' | 'classes' | 'candidate' | 'inputs'>;

/**
 * Every image of `dataset` as a candidate (id `image-k`, its label) and the unmasked model inputs
 * of a range of them (`preprocess` applied, under `inputName`): the part of a vision session the
 * pipeline's `selectSamples` reads.
 */
export function imageCandidates(
  dataset: ImageDataset,
  preprocess: PreprocessOptions,
  inputName: string,
): ImageCandidates {
  return {
    candidates: dataset.count,
    classes: dataset.classNames.length,
    candidate: (k) => ({ id: `image-${k}`, label: dataset.labels[k] }),
    inputs: (start, end) => {
      const imgs = Array.from({ length: end - start }, (_, t) => datasetImage(dataset, start + t));
      return { [inputName]: toModelBatch(imgs, preprocess) };
    },
  };
}

/** Options of {@link selectImages}. */
export interface SelectImagesOptions {
  /** The model, counted by the caller's gateway: `gateway.wrap(runner, 'selection')`. */
  readonly runner: CountedRunner;
  readonly dataset: ImageDataset;
  readonly preprocess: PreprocessOptions;
  /** Model input name (default the runner's first input). */
  readonly inputName?: string;
  /** Which images: e.g. `{ rule: 'correct', perClass: 1, order: 'class' }`. */
  readonly selection: SelectionSpec;
  /** Images per model call (default 256). */
  readonly batchSize?: number;
}

/**
 * The images an analysis would select — core's `selectSamples` over {@link imageCandidates} — for
 * code that has a bare runner and builds its own games (benchmarks, estimator studies) rather
 * than opening a model through the vision adapter.
 */
export function selectImages(options: SelectImagesOptions): Promise<SelectedSamples> {
  const { dataset, runner } = options;
  const session: ModalitySession = {
    data: `${dataset.count} images`,
    ...imageCandidates(dataset, options.preprocess, options.inputName ?? runner.inputNames[0] ?? 'x'),
    players: () => Promise.reject(new Error('selectImages: a selection has no players')),
    details: {},
  };
  return selectSamples(session, runner, options.selection, options.batchSize ?? 256);
}
