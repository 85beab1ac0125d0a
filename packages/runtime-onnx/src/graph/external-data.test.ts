import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32Tensor, OrderlensInputError } from '@orderlens/core';
import * as ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { OnnxRunner } from '../runner/onnx-runner.js';
import { censusModel, quiet } from '../test-utils/index.js';
import { externalDataLocations, MalformedProtobufError } from './external-data.js';
import { encodeModelObject } from './onnx-proto.js';

const FLOAT = 1;
const EXTERNAL = 1;
const W = [0.5, -2];

const declare = (name: string) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } } },
});

/** `y = x + W` with `W` (2 floats) stored as external data at `location`. */
function externalModel(location: string): Uint8Array {
  return encodeModelObject({
    irVersion: 8,
    producerName: 'orderlens-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'external',
      node: [{ opType: 'Add', input: ['x', 'W'], output: ['y'], name: 'add' }],
      initializer: [
        {
          name: 'W',
          dims: [2],
          dataType: FLOAT,
          dataLocation: EXTERNAL,
          externalData: [
            { key: 'location', value: location },
            { key: 'offset', value: '0' },
            { key: 'length', value: '8' },
          ],
        },
      ],
      input: [declare('x')],
      output: [declare('y')],
    },
  });
}

let base: string;
let modelDir: string;
let outside: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'orderlens-onnx-external-')));
  modelDir = join(base, 'model');
  mkdirSync(modelDir);
  // A valid data file outside the folder: a load that reached ONNX Runtime would succeed, so a
  // refusal can only come from the confinement check.
  outside = join(base, 'x.bin');
  writeFileSync(outside, new Uint8Array(Float32Array.from(W).buffer));
  writeFileSync(join(modelDir, 'w.bin'), new Uint8Array(Float32Array.from(W).buffer));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function refusal(location: string, target: RegExp): Promise<void> {
  const path = join(modelDir, 'model.onnx');
  writeFileSync(path, externalModel(location));
  const create = vi.spyOn(ort.InferenceSession, 'create');
  const err = await OnnxRunner.create(path, { providers: ['cpu'], log: quiet }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OrderlensInputError);
  expect((err as OrderlensInputError).field).toBe('graph.initializer[0].external_data.location');
  expect((err as Error).message).toMatch(target);
  expect((err as Error).message).toContain(`tensor "W" of ONNX model ${path}`);
  expect((err as Error).message).toContain(`outside the model folder ${modelDir}`);
  // Refused before ONNX Runtime (which would open the data file) was asked for a session.
  expect(create).not.toHaveBeenCalled();
}

describe('ONNX external data is confined to the model folder', () => {
  it('loads external data inside the folder (and computes with it)', async () => {
    const path = join(modelDir, 'inside.onnx');
    writeFileSync(path, externalModel('w.bin'));
    const runner = await OnnxRunner.create(path, { providers: ['cpu'], log: quiet });
    try {
      const out = await runner.run({ x: float32Tensor(new Float32Array([1, 1]), [1, 2]) });
      expect(Array.from(out.data)).toEqual([1.5, -1]);
    } finally {
      await runner.dispose();
    }
  });

  it('refuses ../x.bin', async () => {
    await refusal('../x.bin', new RegExp(`"\\.\\./x\\.bin" resolves to ${outside}`));
  });

  it('refuses an absolute path outside', async () => {
    await refusal(outside, new RegExp(`resolves to ${outside}`));
    await refusal('/etc/passwd', /resolves to \/etc\/passwd/);
  });

  it('refuses a symlink inside the folder pointing out', async () => {
    symlinkSync(outside, join(modelDir, 'link.bin'));
    await refusal('link.bin', new RegExp(`"link\\.bin" resolves to ${outside}`));
  });

  it('refuses escaping locations in models given as bytes too (relative to the working directory)', async () => {
    await expect(
      OnnxRunner.fromBytes(externalModel('../../../../../../etc/passwd'), { log: quiet }),
    ).rejects.toThrow(/graph\.initializer\[0\]\.external_data\.location: .*resolves to \/etc\/passwd/);
  });
});

describe('externalDataLocations', () => {
  it('finds locations in subgraphs and attributes, and none in a plain model', () => {
    const inner = {
      name: 'then',
      node: [],
      initializer: [
        {
          name: 'T',
          dims: [1],
          dataType: FLOAT,
          dataLocation: EXTERNAL,
          externalData: [{ key: 'location', value: 'sub/t.bin' }],
        },
      ],
      output: [declare('T')],
    };
    const bytes = encodeModelObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'g',
        node: [
          { opType: 'Identity', input: ['a'], output: ['b'] },
          {
            opType: 'If',
            input: ['c'],
            output: ['d'],
            attribute: [
              { name: 'then_branch', type: 5, g: inner },
              {
                name: 'k',
                type: 4,
                t: { name: 'K', dataType: FLOAT, externalData: [{ key: 'location', value: 'k.bin' }] },
              },
            ],
          },
        ],
      },
    });
    expect(externalDataLocations(bytes)).toEqual([
      { path: 'graph.node[1].attribute[0].g.initializer[0]', tensor: 'T', location: 'sub/t.bin' },
      { path: 'graph.node[1].attribute[1].t', tensor: 'K', location: 'k.bin' },
    ]);
    expect(externalDataLocations(readFileSync(censusModel))).toEqual([]);
  });

  it('throws MalformedProtobufError on bytes that are not protobuf', () => {
    expect(() => externalDataLocations(readFileSync(censusModel).subarray(0, 3000))).toThrow(
      MalformedProtobufError,
    );
    expect(() => externalDataLocations(new TextEncoder().encode('this is not a model'))).toThrow(
      MalformedProtobufError,
    );
  });
});
