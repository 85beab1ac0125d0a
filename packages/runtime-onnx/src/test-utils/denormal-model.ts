import { encodeModelObject } from '../graph/onnx-proto.js';

/** The scale of {@link denormalModelBytes}: 1e-39 is denormal in float32 (below 2^-126 ≈ 1.18e-38). */
export const DENORMAL_SCALE = 1e-39;

/**
 * `y = x · 1e-39` over a dynamic batch `[batch, 1]`: for x = 1 the product is denormal, so it
 * reads 0 exactly when the session flushes denormals and ≈ 1e-39 when it keeps them.
 */
export function denormalModelBytes(): Uint8Array {
  const declare = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 1 }] } } },
  });
  return encodeModelObject({
    irVersion: 7,
    producerName: 'orderlens-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'denormal_scale',
      node: [{ opType: 'Mul', input: ['x', 's'], output: ['y'], name: 'y' }],
      initializer: [{ name: 's', dims: [1], dataType: 1, floatData: [DENORMAL_SCALE] }],
      input: [declare('x')],
      output: [declare('y')],
    },
  });
}
