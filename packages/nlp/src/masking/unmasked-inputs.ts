import type { NamedTensors, TensorData } from '@orderlens/core';
import type { TextInputLayout } from './model-inputs.js';

/**
 * Model inputs of several whole sentences in one batch: padded on the right to the longest with
 * `padId`, `attention_mask` 0 on the padding (so padding does not change the logits of a model
 * that honours the mask), `token_type_ids` zeros when the model declares it.
 */
export function batchInputs(
  sentences: ReadonlyArray<readonly number[]>,
  layout: TextInputLayout,
  padId: number,
): NamedTensors {
  const rows = sentences.length;
  const L = Math.max(1, ...sentences.map((s) => s.length));
  const ids = new BigInt64Array(rows * L).fill(BigInt(padId));
  const att = new BigInt64Array(rows * L);
  sentences.forEach((s, r) => {
    for (let t = 0; t < s.length; t++) {
      ids[r * L + t] = BigInt(s[t]);
      att[r * L + t] = 1n;
    }
  });
  const t = (data: BigInt64Array): TensorData => ({ type: 'int64', data, dims: [rows, L] });
  const out: Record<string, TensorData> = { input_ids: t(ids) };
  if (layout.attentionMask) out.attention_mask = t(att);
  if (layout.tokenTypes) out.token_type_ids = t(new BigInt64Array(rows * L));
  return out;
}
