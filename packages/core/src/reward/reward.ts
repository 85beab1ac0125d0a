import { OrderlensInputError, requireInput } from '../errors/errors.js';
import type { ModelOutput } from '../model/contracts.js';

/** Names of the scalar rewards read off model outputs. */
export const REWARD_NAMES = ['log-odds', 'logit', 'log-prob', 'prob'] as const;
/** A reward name (see {@link REWARD_NAMES}). */
export type RewardName = (typeof REWARD_NAMES)[number];

/** How `v(S)` is read off the logits of the masked input. */
export interface RewardSpec {
  /** Default `log-odds`. */
  readonly name: RewardName;
  /** Class `y` the reward is about (the true class). */
  readonly label: number;
  /** Report `v(S) − v(∅)` instead of `v(S)`. */
  readonly subtractEmpty?: boolean;
}

/** Validates a reward name given by a user. */
export function parseRewardName(name: string, field = 'reward'): RewardName {
  if ((REWARD_NAMES as readonly string[]).includes(name)) return name as RewardName;
  throw new OrderlensInputError(
    field,
    `unknown reward "${name}"; expected one of ${REWARD_NAMES.join(', ')}`,
  );
}

/**
 * Reward of each row of `out` for class `label`, written into `target` from `offset`.
 *
 * With one output column the model is a binary sigmoid model: the column is the logit of class 1
 * and `log-odds` is that logit signed toward `label`. Throws when an output is NaN or infinite,
 * naming the row, because a silent NaN would poison every interaction computed from it.
 */
export function computeReward(
  name: RewardName,
  out: ModelOutput,
  label: number,
  target: Float64Array,
  offset = 0,
): void {
  const { data, rows, classes } = out;
  requireInput(
    data.length === rows * classes,
    'model output',
    `expected ${rows}×${classes} values, got ${data.length}`,
  );
  const binary = classes === 1;
  const C = binary ? 2 : classes;
  requireInput(
    Number.isInteger(label) && label >= 0 && label < C,
    'label',
    `class ${label} out of range [0, ${C})`,
  );
  if (!binary && C === 2 && name === 'log-odds') {
    // Two classes: log-odds = z_y − z_other exactly (the general formula adds log(exp(0)) = 0),
    // without a transcendental per row — the reward is a visible share of a small model's cost.
    const other = 1 - label;
    for (let r = 0; r < rows; r++) {
      const v = data[2 * r + label] - data[2 * r + other];
      if (!Number.isFinite(v)) {
        throw new RangeError(
          `model output: row ${r} gives a non-finite ${name} reward (${v}); logits [${data[2 * r]}, ${data[2 * r + 1]}]`,
        );
      }
      target[offset + r] = v;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    let v: number;
    if (binary) {
      const z1 = data[r];
      // A single sigmoid logit z means class logits (0, z): signing it toward `label` gives the
      // log-odds of the true class, and also serves as its `logit`.
      const zy = label === 1 ? z1 : -z1;
      v = binaryReward(name, zy);
    } else {
      v = multiclassReward(name, data, r * classes, classes, label);
    }
    if (!Number.isFinite(v)) {
      const row = Array.from(data.subarray(r * classes, (r + 1) * classes)).join(', ');
      throw new RangeError(
        `model output: row ${r} gives a non-finite ${name} reward (${v}); logits [${row}]`,
      );
    }
    target[offset + r] = v;
  }
}

function binaryReward(name: RewardName, signedLogit: number): number {
  switch (name) {
    case 'log-odds':
    case 'logit':
      return signedLogit;
    case 'log-prob':
      return -softplus(-signedLogit);
    case 'prob':
      return 1 / (1 + Math.exp(-signedLogit));
  }
}

function multiclassReward(name: RewardName, z: Float32Array, o: number, C: number, y: number): number {
  const zy = z[o + y];
  if (name === 'logit') return zy;
  let maxAll = -Infinity;
  let maxOther = -Infinity;
  for (let c = 0; c < C; c++) {
    const zc = z[o + c];
    if (zc > maxAll) maxAll = zc;
    if (c !== y && zc > maxOther) maxOther = zc;
  }
  if (Number.isNaN(maxAll)) return NaN;
  if (name === 'log-odds') {
    let s = 0;
    for (let c = 0; c < C; c++) if (c !== y) s += Math.exp(z[o + c] - maxOther);
    return zy - (maxOther + Math.log(s));
  }
  let s = 0;
  for (let c = 0; c < C; c++) s += Math.exp(z[o + c] - maxAll);
  const logp = zy - maxAll - Math.log(s);
  return name === 'log-prob' ? logp : Math.exp(logp);
}

function softplus(x: number): number {
  return x > 30 ? x : Math.log1p(Math.exp(x));
}

/**
 * Predicted class of row `row` of `out`: the argmax of the logits, or for a single sigmoid logit
 * `z`, class 1 when `z > 0` (the same convention the rewards use).
 */
export function predictedClass(out: ModelOutput, row: number): number {
  const { data, classes } = out;
  const o = row * classes;
  if (classes === 1) return data[o] > 0 ? 1 : 0;
  let best = 0;
  for (let c = 1; c < classes; c++) if (data[o + c] > data[o + best]) best = c;
  return best;
}
