import { OrderlensInputError, type ModelInputInfo } from '@orderlens/core';

/** The inputs a text model may declare; every one is int64 `[batch, tokens]`. */
export const TEXT_MODEL_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

/** Which of {@link TEXT_MODEL_INPUTS} a model takes. */
export interface TextInputLayout {
  /** Whether the model takes `attention_mask` (needed by `--masking attention`). */
  readonly attentionMask: boolean;
  /** Whether the model takes `token_type_ids` (BERT does, DistilBERT does not). */
  readonly tokenTypes: boolean;
}

/**
 * Checks that a model reads token ids: it must take `input_ids`, and nothing but `input_ids`,
 * `attention_mask` and `token_type_ids`, each int64 where the runtime declares element types
 * (`infos`). A model with other inputs (an image model's `pixel_values`, a table's `x`) or with
 * float token ids is an input error naming `field` and what it declares.
 */
export function textInputLayout(
  inputNames: readonly string[],
  infos: readonly ModelInputInfo[] = [],
  field = '--model',
): TextInputLayout {
  const others = inputNames.filter((n) => !(TEXT_MODEL_INPUTS as readonly string[]).includes(n));
  if (!inputNames.includes('input_ids') || others.length > 0)
    throw new OrderlensInputError(
      field,
      `the model's inputs are ${inputNames.join(', ') || '(none)'}; a text model takes token ids: input_ids, optionally attention_mask and token_type_ids (int64 [batch, tokens])${others.length > 0 ? `, not ${others.join(', ')}` : ''}`,
    );
  for (const info of infos)
    if (
      info.type !== undefined &&
      info.type !== 'int64' &&
      (TEXT_MODEL_INPUTS as readonly string[]).includes(info.name)
    )
      throw new OrderlensInputError(
        field,
        `the model's input ${info.name} is ${info.type}; a text model takes token ids as int64 (input_ids, attention_mask, token_type_ids)`,
      );
  return {
    attentionMask: inputNames.includes('attention_mask'),
    tokenTypes: inputNames.includes('token_type_ids'),
  };
}
