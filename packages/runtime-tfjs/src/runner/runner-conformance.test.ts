import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { float32Tensor } from '@orderlens/core';
import { describeRunner } from '@orderlens/core/testing';
import { initTfjs } from '../backend/init-tfjs.js';
import { TfjsRunner } from './tfjs-runner.js';

const fixture = (p: string) =>
  fileURLToPath(new URL(`../../../../fixtures/census-mlp5/${p}`, import.meta.url));

describeRunner('TfjsRunner on the census MLP-5 fixture (tfjs Layers)', async () => {
  await initTfjs(['wasm', 'cpu']);
  const ex = (
    JSON.parse(readFileSync(fixture('meta.json'), 'utf8')) as { examples: Array<{ input: number[] }> }
  ).examples;
  const runner = await TfjsRunner.load(fixture('tfjs/model.json'));
  return {
    runner,
    inputs: {
      [runner.inputNames[0]]: float32Tensor(Float32Array.from(ex.flatMap((e) => e.input)), [ex.length, 12]),
    },
    rows: ex.length,
  };
});
