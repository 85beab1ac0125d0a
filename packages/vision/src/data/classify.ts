import { OrderlensInputError, predictedClass, requireInput, type CountedRunner } from '@orderlens/core';
import { datasetImage, type ImageDataset } from './dataset.js';
import { toModelBatch, type PreprocessOptions } from '../image/preprocess.js';

/** Options of {@link classifyDataset}. */
export interface ClassifyOptions {
  /** The model, counted by the caller's gateway (`gateway.wrap(runner, 'selection')`). */
  readonly runner: CountedRunner;
  readonly dataset: ImageDataset;
  readonly preprocess: PreprocessOptions;
  /** Model input name (default the runner's first input). */
  readonly inputName?: string;
  /** Images per model call (default 256). */
  readonly batchSize?: number;
  /** Classify only these images (default all). */
  readonly indices?: readonly number[];
}

/** Checks that a model output has one row per image and enough classes for the dataset. */
function checkOutput(rows: number, classes: number, want: number, ds: ImageDataset): void {
  requireInput(rows === want, 'model output', `expected ${want} rows, got ${rows}`);
  requireInput(
    classes >= ds.classNames.length || (classes === 1 && ds.classNames.length === 2),
    'model output',
    `the model gives ${classes} logits per image but the dataset has ${ds.classNames.length} classes`,
  );
}

/**
 * Predicted class of each image (argmax of the logits). A model whose input shape does not match
 * the images fails here with an error naming the expected and given shapes.
 */
export async function classifyDataset(options: ClassifyOptions): Promise<Int32Array> {
  const { runner, dataset } = options;
  const indices = options.indices ?? Array.from({ length: dataset.count }, (_, i) => i);
  const B = options.batchSize ?? 256;
  const inputName = options.inputName ?? runner.inputNames[0];
  const out = new Int32Array(indices.length);
  for (let start = 0; start < indices.length; start += B) {
    const chunk = indices.slice(start, start + B);
    const input = toModelBatch(
      chunk.map((k) => datasetImage(dataset, k)),
      options.preprocess,
    );
    let res;
    try {
      res = await runner.run({ [inputName]: input });
    } catch (e) {
      throw new OrderlensInputError(
        'model input',
        `running the model on images of shape [${input.dims.join(', ')}] failed: ${(e as Error).message}`,
      );
    }
    checkOutput(res.rows, res.classes, chunk.length, dataset);
    for (let r = 0; r < chunk.length; r++) out[start + r] = predictedClass(res, r);
  }
  return out;
}
