import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderlensInputError } from '@orderlens/core';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeModelObject } from '../graph/onnx-proto.js';
import { OnnxRunner } from '../runner/onnx-runner.js';
import { censusModel } from '../test-utils/index.js';

const dir = mkdtempSync(join(tmpdir(), 'orderlens-onnx-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(path: string, log: (m: string) => void): Promise<Error> {
  const err = await OnnxRunner.create(path, { log }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OrderlensInputError);
  return err as Error;
}

// Issue 12 item 7: the real cause of a failed load comes first, the provider story after it.
describe('a model that loads on no provider', () => {
  it('a corrupt .onnx: the message starts with the cause', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, readFileSync(censusModel).subarray(0, 3000));
    const logged: string[] = [];
    const err = await failure(corrupt, (m) => logged.push(m));
    expect(
      err.message.startsWith(`modelPath: cannot load ONNX model ${corrupt}: not a valid ONNX protobuf (`),
    ).toBe(true);
    expect(err.message).not.toMatch(/cuda|webgpu/i);
    expect(logged).toEqual([]);
  });

  it('a model ONNX Runtime refuses: its reason first, then each provider tried', async () => {
    const path = join(dir, 'unknown-op.onnx');
    const io = (name: string) => ({
      name,
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } },
    });
    writeFileSync(
      path,
      encodeModelObject({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 13 }],
        graph: {
          name: 'g',
          node: [{ opType: 'NoSuchOp', input: ['x'], output: ['y'] }],
          input: [io('x')],
          output: [io('y')],
        },
      }),
    );
    const logged: string[] = [];
    const err = await failure(path, (m) => logged.push(m));
    const head = `model: cannot load ONNX model ${path}: `;
    expect(err.message.startsWith(head)).toBe(true);
    const cause = err.message.slice(head.length, err.message.indexOf(' (execution provider'));
    expect(cause).toMatch(/NoSuchOp/);
    expect(cause).not.toMatch(/cuda|webgpu/i);
    expect(err.message).toMatch(
      /\(execution providers tried in order: cuda \(.+\), webgpu \(.+\), cpu \(the error above\)\)$/,
    );
    // The fallback lines are not printed ahead of the error; they are in it.
    expect(logged).toEqual([]);
  });
});
