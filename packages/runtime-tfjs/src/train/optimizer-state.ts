import * as tf from '@tensorflow/tfjs';
import { OrderlensInputError } from '@orderlens/core';

/** The optimizers {@link trainClassifier} builds. */
export type TrainOptimizerKind = 'adam' | 'sgd';

/** One slot variable of an optimizer (an Adam moment, a momentum accumulator). */
export interface OptimizerSlot {
  /** tfjs's name for it (`<variable>/m`, `<variable>/v`, `<variable>/momentum`); informative only. */
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * Everything an optimizer carries from one step to the next, as plain data, so that a run
 * restored from it continues exactly as the uninterrupted run would.
 */
export interface OptimizerState {
  kind: TrainOptimizerKind;
  /** Steps taken so far. */
  iterations: number;
  /**
   * Slots in tfjs's `getWeights()` order, which follows the order of the trained variables:
   * Adam all first moments then all second moments; momentum SGD its accumulators.
   */
  slots: OptimizerSlot[];
  /**
   * Adam only: the running products `β1^(t+1)`, `β2^(t+1)` (float32). tfjs 4.22's
   * `AdamOptimizer.setWeights` recomputes them with `pow`, which need not equal the product of
   * `t + 1` float32 multiplications the training steps performed, so they are kept and restored
   * exactly.
   */
  accBeta?: [number, number];
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** Reads the state of an optimizer built by `trainClassifier` (`tf.train.adam` or `tf.train.momentum`). */
export async function readOptimizerState(
  optimizer: tf.Optimizer,
  kind: TrainOptimizerKind,
): Promise<OptimizerState> {
  const weights = await optimizer.getWeights();
  const [iter, ...slots] = weights;
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose(); // saveIterations() makes a fresh scalar; the slots are the optimizer's own
  const state: OptimizerState = {
    kind,
    iterations,
    slots: await Promise.all(
      slots.map(async (s) => ({
        name: s.name,
        shape: s.tensor.shape.slice(),
        values: Float32Array.from(await s.tensor.data()),
      })),
    ),
  };
  if (kind === 'adam') {
    const a = optimizer as unknown as AdamInternals;
    state.accBeta = [(await a.accBeta1.data())[0], (await a.accBeta2.data())[0]];
  }
  return state;
}

/**
 * Restores `state` into a freshly built optimizer of the same kind and hyper-parameters, for
 * the variables `variables` (in the order training passes them to `minimize`). Throws an
 * {@link OrderlensInputError} on `field` when the state does not fit those variables.
 */
export async function restoreOptimizerState(
  optimizer: tf.Optimizer,
  state: OptimizerState,
  variables: readonly tf.Variable[],
  field: string,
): Promise<void> {
  const perVariable = state.kind === 'adam' ? 2 : 1;
  if (state.slots.length !== perVariable * variables.length) {
    throw new OrderlensInputError(
      field,
      `optimizer state holds ${state.slots.length} slots, the model's ${variables.length} trainable variables need ${perVariable * variables.length} (${state.kind})`,
    );
  }
  state.slots.forEach((s, k) => {
    const v = variables[k % variables.length];
    const same = s.shape.length === v.shape.length && s.shape.every((d, i) => d === v.shape[i]);
    if (!same || s.values.length !== v.size) {
      throw new OrderlensInputError(
        field,
        `optimizer slot ${k} (${s.name}) has shape [${s.shape.join(', ')}], its variable [${v.shape.join(', ')}]`,
      );
    }
  });
  const named: { name: string; tensor: tf.Tensor }[] = [
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, 'float32') })),
  ];
  try {
    // The slots become variables sharing the tensors' data; disposing the tensors below only
    // drops our references.
    await optimizer.setWeights(named);
  } finally {
    tf.dispose(named.map((n) => n.tensor));
  }
  if (state.kind === 'adam') {
    if (state.accBeta === undefined) {
      throw new OrderlensInputError(field, 'Adam optimizer state lacks accBeta (β1^t, β2^t)');
    }
    const a = optimizer as unknown as AdamInternals;
    const [b1, b2] = state.accBeta;
    tf.tidy(() => {
      a.accBeta1.assign(tf.scalar(b1));
      a.accBeta2.assign(tf.scalar(b2));
    });
  }
}
