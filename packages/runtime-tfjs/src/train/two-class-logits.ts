import * as tf from '@tensorflow/tfjs';

/**
 * Logits as class logits: a single sigmoid logit `z` becomes the two-class logits `(0, z)`, whose
 * softmax is `(1 − σ(z), σ(z))`; wider outputs are returned as they are. With it, cross-entropy,
 * arg-max and the order losses treat binary sigmoid models like two-class ones (the convention
 * of core's rewards).
 */
export function twoClassLogits(z: tf.Tensor2D): tf.Tensor2D {
  return z.shape[1] === 1 ? (tf.concat([tf.zerosLike(z), z], 1) as tf.Tensor2D) : z;
}
