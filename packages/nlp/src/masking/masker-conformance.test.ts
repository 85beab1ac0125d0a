import type { TensorData } from '@orderlens/core';
import { describeMasker } from '@orderlens/core/testing';
import { AttentionMasker, TokenMasker } from './word-piece-masker.js';

// [CLS] w0 w1a w1b w2 [SEP]: three words, the second of two word-pieces.
const ids = [101, 2023, 2307, 2015, 3185, 102];
const spans: Array<[number, number]> = [
  [1, 2],
  [2, 4],
  [4, 5],
];
const L = ids.length;
const int64 = (values: number[]): TensorData => ({
  type: 'int64',
  data: BigInt64Array.from(values.map(BigInt)),
  dims: [1, L],
});
const ones = ids.map(() => 1);
const zeros = ids.map(() => 0);

describeMasker('nlp TokenMasker ([MASK] for absent words, BERT inputs)', () => ({
  masker: new TokenMasker({ ids, spans, layout: { attentionMask: true, tokenTypes: true }, baseline: 103 }),
  full: { input_ids: int64(ids), attention_mask: int64(ones), token_type_ids: int64(zeros) },
  empty: {
    input_ids: int64(ids.map((id, t) => (t >= 1 && t < 5 ? 103 : id))),
    attention_mask: int64(ones),
    token_type_ids: int64(zeros),
  },
}));

describeMasker('nlp AttentionMasker (absent words unattended, DistilBERT inputs)', () => ({
  masker: new AttentionMasker({ ids, spans, layout: { attentionMask: true, tokenTypes: false } }),
  full: { input_ids: int64(ids), attention_mask: int64(ones) },
  empty: { input_ids: int64(ids), attention_mask: int64(ones.map((v, t) => (t >= 1 && t < 5 ? 0 : v))) },
}));
