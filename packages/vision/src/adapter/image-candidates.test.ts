import { describe, expect, it } from 'vitest';
import { ModelGateway, type ModelOutput, type ModelRunner, type NamedTensors } from '@orderlens/core';
import { loadCifar10Subset } from '../data/cifar.js';
import { datasetImage } from '../data/dataset.js';
import { toModelInput } from '../image/preprocess.js';
import { imageCandidates, selectImages } from './image-candidates.js';

const ds = loadCifar10Subset('test');
const pre = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };
/** A class read off the model inputs (so the selection must hand the images to the model). */
const classOf = (x: ArrayLike<number>, from: number, to: number) => {
  let s = 0;
  for (let t = from; t < to; t++) s += x[t];
  return Math.floor(Math.abs(s) * 10) % 10;
};

/** Ten logits per image, the largest at {@link classOf} of its inputs. */
class SumRunner implements ModelRunner {
  readonly backend = 'js';
  readonly inputNames = ['pixels'];
  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const t = inputs.pixels;
    const rows = t.dims[0];
    const size = t.data.length / rows;
    const data = new Float32Array(rows * 10);
    for (let r = 0; r < rows; r++)
      data[r * 10 + classOf(t.data as Float32Array, r * size, (r + 1) * size)] = 1;
    return { data, rows, classes: 10 };
  }
  async dispose(): Promise<void> {}
}

describe('selectImages', () => {
  it("is the pipeline's selection over the dataset's images, predictions through the given runner", async () => {
    const gateway = new ModelGateway();
    const sel = await selectImages({
      runner: gateway.wrap(new SumRunner(), 'selection'),
      dataset: ds,
      preprocess: pre,
      selection: { rule: 'correct', perClass: 1, order: 'class' },
      batchSize: 64,
    });
    expect(gateway.calls.selection).toBe(ds.count);
    // The first correctly "classified" image of every class, class 0 first.
    const want: number[] = [];
    for (let c = 0; c < 10; c++) {
      const k = Array.from({ length: ds.count }, (_, i) => i).find((i) => {
        const x = toModelInput(datasetImage(ds, i), pre);
        return ds.labels[i] === c && classOf(x, 0, x.length) === c;
      });
      if (k !== undefined) want.push(k);
    }
    expect(want.length).toBeGreaterThan(5);
    expect(sel.indices).toEqual(want);
    const c = imageCandidates(ds, pre, 'pixels');
    expect(c.candidates).toBe(ds.count);
    expect(c.candidate(7)).toEqual({ id: 'image-7', label: ds.labels[7] });
  });
});
