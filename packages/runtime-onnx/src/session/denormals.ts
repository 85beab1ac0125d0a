import { OrderlensInputError } from '@orderlens/core';
import * as ort from 'onnxruntime-node';
import { encodeModelObject } from '../graph/onnx-proto.js';

/**
 * How a session treats denormal (subnormal) float32 values on the CPU: `flush` sets ONNX Runtime's
 * `session.set_denormal_as_zero` (flush-to-zero and denormals-are-zero), `keep` leaves IEEE
 * arithmetic alone.
 *
 * Why flush by default: networks can produce denormals (weights decayed towards zero, products of
 * small activations), and some processors compute with them 10–100× slower; on an Intel Xeon the
 * CIFAR CNN ran 17× faster with them flushed. A denormal is below 1.2e-38 in magnitude, so
 * flushing one changes a logit by at most that much times a weight: far below float32 rounding of
 * any logit that matters.
 */
export type DenormalMode = 'flush' | 'keep';

/**
 * The `extra` session options for `mode`. ONNX Runtime reads `extra.session.*` as session config
 * entries (`session.set_denormal_as_zero`, onnxruntime_session_options_config_keys.h).
 */
export function denormalSessionExtra(mode: DenormalMode): Record<string, unknown> | undefined {
  return mode === 'flush' ? { session: { set_denormal_as_zero: '1' } } : undefined;
}

/*
 * ONNX Runtime applies the setting to the calling thread only ONCE per process, when the first
 * session is created (std::call_once in InferenceSession); later sessions set it on their own
 * intra-op pool threads only. onnxruntime-node runs every session on the JavaScript main thread,
 * so the first session of the process decides for all single-threaded work, and a later session
 * asking for the other mode would compute partly flushed, partly not. The setting also reaches
 * V8: with flushing on, the main thread's JavaScript and WebAssembly float arithmetic flushes
 * denormals too (harmless for orderlens, whose doubles never come near 1e-308, but it is a
 * process-wide effect and said so in docs/benchmarks.md).
 *
 * So the mode is settled once per process, measured rather than assumed: a one-node probe model
 * (y = x · 1e-39) is created with the requested mode (which fixes the process's mode if no session
 * came before) and run on the main thread; y = 0 means this thread flushes.
 */
let processMode: DenormalMode | undefined;

/** `y = x · 1e-39` on a `[1]` float tensor: the denormal probe, and a test model any provider can load. */
export function probeModelBytes(): Uint8Array {
  const declare = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } },
  });
  return encodeModelObject({
    irVersion: 7,
    producerName: 'orderlens-denormal-probe',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'denormal_probe',
      node: [{ opType: 'Mul', input: ['x', 's'], output: ['y'], name: 'y' }],
      initializer: [{ name: 's', dims: [1], dataType: 1, floatData: [1e-39] }],
      input: [declare('x')],
      output: [declare('y')],
    },
  });
}

/** Whether the JavaScript main thread's ONNX Runtime work flushes denormals, found by running the probe. */
async function probeProcessMode(requested: DenormalMode): Promise<DenormalMode> {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: 1 };
  // onnxruntime-node refuses `extra: undefined`: the key is set only when flushing.
  const extra = denormalSessionExtra(requested);
  if (extra !== undefined) options.extra = extra;
  const session = await ort.InferenceSession.create(probeModelBytes(), options);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1]), [1]) });
    return (out.y.data as Float32Array)[0] === 0 ? 'flush' : 'keep';
  } finally {
    await session.release();
  }
}

/**
 * Settles the process's denormal mode on the first call (see above) and checks that `requested`
 * agrees with it; throws naming `field` when it does not, since ONNX Runtime cannot change it.
 */
export async function settleDenormalMode(requested: DenormalMode, field = 'keepDenormals'): Promise<void> {
  processMode ??= await probeProcessMode(requested);
  if (processMode !== requested) {
    const has = processMode === 'flush' ? 'flushes denormals to zero' : 'keeps denormals';
    const asked = requested === 'flush' ? 'flush them' : 'keep them';
    throw new OrderlensInputError(
      field,
      `this process already ${has} (ONNX Runtime fixes that once per process, at its first session), so a session that would ${asked} cannot be created here; open every ONNX model of one process with the same setting, or use a separate process`,
    );
  }
}

/** The process's denormal mode once a session exists (`undefined` before the first one). */
export function processDenormalMode(): DenormalMode | undefined {
  return processMode;
}
