import { OrderlensInputError, requireInput } from '@orderlens/core';
import type { TextTokenizer } from '../tokenizer/text-tokenizer.js';

/** Names of the baseline tokens `--baseline-token` accepts besides `id:<n>`. */
export const BASELINE_TOKENS = ['mask', 'pad', 'unk'] as const;

/**
 * The token id absent words are replaced by (`--baseline-token`): `mask` (default: `[MASK]`, as
 * the papers do, and the token the fixtures were trained to read as "no word"), `pad`, `unk`,
 * or `id:<n>` for any id of the vocabulary. A tokenizer without the named token is an input
 * error naming the option, as is an id outside the vocabulary.
 */
export function resolveBaselineToken(
  spec: string,
  tokenizer: TextTokenizer,
  field = '--baseline-token',
): number {
  const m = /^id:(\d+)$/.exec(spec);
  if (m) {
    const id = Number(m[1]);
    requireInput(
      Number.isSafeInteger(id) && id < tokenizer.vocabSize,
      field,
      `token id ${m[1]} is outside the tokenizer's vocabulary of ${tokenizer.vocabSize} ids`,
    );
    return id;
  }
  if (!(BASELINE_TOKENS as readonly string[]).includes(spec))
    throw new OrderlensInputError(field, `expected mask, pad, unk or id:<n>, got "${spec}"`);
  const id = tokenizer.special[spec as (typeof BASELINE_TOKENS)[number]];
  requireInput(
    id !== undefined,
    field,
    `the tokenizer in ${tokenizer.folder} has no ${spec} token (tokenizer_config.json declares no ${spec}_token); choose another baseline (${BASELINE_TOKENS.filter((b) => tokenizer.special[b] !== undefined).join(', ') || 'id:<n>'}${BASELINE_TOKENS.some((b) => tokenizer.special[b] !== undefined) ? ', id:<n>' : ''}) or --masking attention`,
  );
  return id;
}
