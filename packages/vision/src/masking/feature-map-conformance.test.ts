import { fileURLToPath } from 'node:url';
import { float32Tensor } from '@orderlens/core';
import { describeMasker } from '@orderlens/core/testing';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { afterAll } from 'vitest';
import { cutModelAt, FeatureMapMasker } from './feature-map-masker.js';

const MODEL = fileURLToPath(new URL('../../models/fmnist-cnn/model.onnx', import.meta.url));
const disposers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const d of disposers) await d();
});

// The real Fashion-MNIST CNN cut at relu2 (its prefix runs once): 7×7 cells of the 32×14×14 map.
describeMasker('vision FeatureMapMasker (Fashion-MNIST CNN at relu2, 7×7 cells)', async () => {
  const runner = await OnnxRunner.create(MODEL, { providers: ['cpu'], intraOpNumThreads: 1 });
  const cut = await cutModelAt(runner, 'relu2');
  disposers.push(() => runner.dispose());
  const image = Float32Array.from({ length: 28 * 28 }, (_, k) => ((k * 37) % 101) / 101);
  const masker = await FeatureMapMasker.create({
    cut,
    inputs: { x: float32Tensor(image, [1, 1, 28, 28]) },
    grid: { rows: 7, cols: 7 },
  });
  const name = cut.suffix.inputNames[0] ?? cut.tensorName;
  const map = masker.featureMap;
  return {
    masker,
    full: { [name]: float32Tensor(Float32Array.from(map.data as Float32Array), map.dims) },
    // Absent cells hold 0 (MATH.md's feature-map baseline); every cell absent: all zeros.
    empty: { [name]: float32Tensor(new Float32Array(map.data.length), map.dims) },
  };
});
