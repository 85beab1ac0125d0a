import { OrderlensInputError } from '../errors/errors.js';

/** Devices a user can ask for with `--device`. */
export const DEVICE_NAMES = ['auto', 'cpu', 'cuda', 'webgpu', 'wasm'] as const;
/** A device a user can ask for. */
export type DeviceName = (typeof DEVICE_NAMES)[number];

/**
 * The order `auto` tries devices in, for every runtime: the fastest that is present first, the
 * CPU last because it is always there. A runtime skips devices it does not support (ONNX Runtime
 * has no `wasm` here, TensorFlow.js in Node has no `webgpu`).
 */
export const AUTO_DEVICE_ORDER: readonly Exclude<DeviceName, 'auto'>[] = ['cuda', 'webgpu', 'cpu', 'wasm'];

/** Parses a device name (`--device` in the CLI), naming `field` and the valid values on error. */
export function parseDevice(raw: string | undefined, field = 'device'): DeviceName {
  const v = (raw ?? 'auto').trim().toLowerCase();
  if (!(DEVICE_NAMES as readonly string[]).includes(v))
    throw new OrderlensInputError(
      field,
      `unknown device "${raw}"; expected one of ${DEVICE_NAMES.join(', ')}`,
    );
  return v as DeviceName;
}

/**
 * The devices a runtime should try for a request: `auto` → its supported devices in
 * {@link AUTO_DEVICE_ORDER}; a named device → that device alone (no silent fallback: a user who
 * asks for CUDA and does not get it must hear so). `available` lists what the runtime can use
 * on this machine, for the error message.
 */
export function devicesToTry(
  requested: DeviceName,
  runtime: string,
  supported: readonly string[],
  available: readonly string[],
): string[] {
  if (requested === 'auto') return AUTO_DEVICE_ORDER.filter((d) => supported.includes(d));
  if (!supported.includes(requested) || !available.includes(requested))
    throw new OrderlensInputError(
      'device',
      `${requested} is not available to ${runtime} on this machine; available: ${available.join(', ') || '(none)'}` +
        (requested === 'cuda' && runtime === 'onnx'
          ? ' (how to install the CUDA provider of onnxruntime-node: docs/devices.md)'
          : ''),
    );
  return [requested];
}
