import * as tf from '@tensorflow/tfjs';

/**
 * A small convolutional network whose convolution is a patch embedding: a `p × p` convolution with
 * stride `p` (written as reshape → permute → dense, so that its gradient needs only matmuls and
 * runs on the wasm backend, which has no Conv2D gradient), ReLU, a second per-token dense layer,
 * then dense layers over all tokens. With `p` = the grid's cell size each token is one player.
 * Seeded initialisers: two runs with the same seed start from the same weights, so a comparison
 * of order-loss presets differs only in the loss.
 */
export function buildPatchCnn(
  shape: { readonly height: number; readonly width: number; readonly channels: number },
  patch: number,
  classes: number,
  seed: number,
): tf.Sequential {
  const { height: H, width: W, channels: C } = shape;
  const gh = H / patch;
  const gw = W / patch;
  const init = (k: number) => tf.initializers.glorotUniform({ seed: seed * 101 + k });
  const m = tf.sequential();
  m.add(tf.layers.reshape({ inputShape: [H, W, C], targetShape: [gh, patch, gw, patch * C] }));
  m.add(tf.layers.permute({ dims: [1, 3, 2, 4] }));
  m.add(tf.layers.reshape({ targetShape: [gh * gw, patch * patch * C] }));
  m.add(tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(1) }));
  m.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(2) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 64, activation: 'relu', kernelInitializer: init(3) }));
  m.add(tf.layers.dense({ units: classes, kernelInitializer: init(4) }));
  return m;
}
