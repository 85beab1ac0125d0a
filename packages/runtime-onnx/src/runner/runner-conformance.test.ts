import { float32Tensor } from '@orderlens/core';
import { describeRunner } from '@orderlens/core/testing';
import { censusMeta, censusModel } from '../test-utils/fixtures.js';
import { OnnxRunner } from './onnx-runner.js';

describeRunner('OnnxRunner on the census MLP-5 fixture', async () => {
  const ex = censusMeta().examples;
  const x = Float32Array.from(ex.flatMap((e) => e.input));
  return {
    runner: await OnnxRunner.create(censusModel, { providers: ['cpu'], log: () => {} }),
    inputs: { x: float32Tensor(x, [ex.length, 12]) },
    rows: ex.length,
  };
});
