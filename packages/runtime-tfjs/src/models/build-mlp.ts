import * as tf from '@tensorflow/tfjs';
import { requireInput, requirePositiveInt, Rng } from '@orderlens/core';

/** Options of {@link buildMlp}. */
export interface BuildMlpOptions {
  /** Number of input features. */
  inputDim: number;
  /** Units of every hidden layer (default 100, as in the papers' MLP-5 / MLP-8). */
  hidden?: number;
  /** Dense (linear) layers in total, output layer included: 5 → MLP-5, 8 → MLP-8. At least 1. */
  layers: number;
  /** Output logits (classes). */
  classes: number;
  /** Seed of the weight initialisers; the same seed gives the same weights. */
  seed: number | string;
}

/**
 * A fully connected classifier `inputDim → hidden → … → classes` with `layers` Dense layers,
 * ReLU between them and raw logits at the end (no softmax: rewards and losses read logits).
 * Kernels use Glorot-uniform and biases zero; each layer's seed is derived from `seed` with
 * {@link Rng.fork}, so building is reproducible and layers are not initialised alike.
 */
export function buildMlp(options: BuildMlpOptions): tf.Sequential {
  const { inputDim, layers, classes, seed } = options;
  const hidden = options.hidden ?? 100;
  requirePositiveInt(inputDim, 'inputDim');
  requirePositiveInt(hidden, 'hidden');
  requirePositiveInt(layers, 'layers');
  requirePositiveInt(classes, 'classes');
  requireInput(
    (typeof seed === 'number' && Number.isFinite(seed)) || typeof seed === 'string',
    'seed',
    `expected a finite number or a string, got ${String(seed)}`,
  );
  const rng = Rng.create(seed);
  const model = tf.sequential({ name: `mlp${layers}` });
  for (let k = 0; k < layers; k++) {
    const last = k === layers - 1;
    model.add(
      tf.layers.dense({
        units: last ? classes : hidden,
        activation: last ? 'linear' : 'relu',
        inputShape: k === 0 ? [inputDim] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: rng.fork('layer', k).nextUint32() }),
        biasInitializer: 'zeros',
        name: last ? 'logits' : `dense_${k + 1}`,
      }),
    );
  }
  return model;
}
