import { describe, expect, it } from 'vitest';
import { CoalitionBatch, Rng } from '@orderlens/core';
import { tempDir } from '@orderlens/core/testing';
import { BERT_DIR, copyTokenizer } from '../test-utils/index.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { tokenizeWords } from '../tokenizer/word-alignment.js';
import { resolveBaselineToken } from './baseline-token.js';
import { textInputLayout } from './model-inputs.js';
import { batchInputs } from './unmasked-inputs.js';
import { AttentionMasker, TokenMasker } from './word-piece-masker.js';

const tokenizer = await loadTokenizer(BERT_DIR);
const BERT = { attentionMask: true, tokenTypes: true };
const DISTIL = { attentionMask: true, tokenTypes: false };

/** Random coalitions over `n` players (empty and full included). */
function randomBatch(n: number, count: number, seed: number): CoalitionBatch {
  const rng = Rng.create(seed);
  const b = new CoalitionBatch(n, count);
  b.pushEmpty();
  b.pushPlayers(Array.from({ length: n }, (_, i) => i));
  for (let k = 2; k < count; k++)
    b.pushPlayers(Array.from({ length: n }, (_, i) => i).filter(() => rng.next() < 0.5));
  return b;
}

describe('TokenMasker', () => {
  const s = tokenizeWords(tokenizer, 'an unflinchingly bleak , often-unpleasant and desperate story . ', 'x');
  // Players: every word but ",", "and", "." — multi-piece words included.
  const playerWords = [0, 1, 2, 4, 6, 7];
  const spans = playerWords.map((w) => s.wordSpans[w]);

  it('puts the baseline token at every word-piece of absent words and changes nothing else', () => {
    const masker = new TokenMasker({ ids: s.ids, spans, layout: BERT, baseline: 103 });
    const batch = randomBatch(spans.length, 40, 1);
    const out = masker.mask(batch, 3, 40);
    const L = s.ids.length;
    expect(out.input_ids.dims).toEqual([37, L]);
    expect(out.input_ids.type).toBe('int64');
    for (let r = 0; r < 37; r++) {
      const k = 3 + r;
      for (let t = 0; t < L; t++) {
        const p = spans.findIndex(([a, e]) => t >= a && t < e);
        const want = p >= 0 && !batch.has(k, p) ? 103 : s.ids[t];
        expect(Number(out.input_ids.data[r * L + t])).toBe(want);
        expect(out.attention_mask.data[r * L + t]).toBe(1n);
        expect(out.token_type_ids.data[r * L + t]).toBe(0n);
      }
    }
  });

  it('declares token_type_ids only for models that take it', () => {
    const masker = new TokenMasker({ ids: s.ids, spans, layout: DISTIL, baseline: 0 });
    const out = masker.mask(CoalitionBatch.fromMasks(spans.length, [0, 5]), 0, 2);
    expect(Object.keys(out).sort()).toEqual(['attention_mask', 'input_ids']);
  });

  it('handles more than 32 players (multi-word coalitions)', () => {
    const text = Array.from({ length: 40 }, (_, k) => `word${k}`).join(' ');
    const t = tokenizeWords(tokenizer, text, 'x');
    const masker = new TokenMasker({ ids: t.ids, spans: t.wordSpans, layout: BERT, baseline: 100 });
    const batch = randomBatch(40, 12, 2);
    const out = masker.mask(batch, 0, 12);
    const L = t.ids.length;
    for (let k = 0; k < 12; k++)
      for (let t2 = 0; t2 < L; t2++) {
        const w = t.wordOfToken[t2];
        expect(Number(out.input_ids.data[k * L + t2])).toBe(w >= 0 && !batch.has(k, w) ? 100 : t.ids[t2]);
      }
  });

  it('refuses overlapping or out-of-range spans', () => {
    expect(
      () =>
        new TokenMasker({
          ids: [1, 2, 3],
          spans: [
            [0, 2],
            [1, 3],
          ],
          layout: BERT,
          baseline: 0,
        }),
    ).toThrow(/already belongs/);
    expect(() => new TokenMasker({ ids: [1, 2, 3], spans: [[2, 4]], layout: BERT, baseline: 0 })).toThrow(
      /players\[0\]/,
    );
  });
});

describe('AttentionMasker', () => {
  it('zeroes the attention mask at every word-piece of absent words and keeps the ids', () => {
    const s = tokenizeWords(tokenizer, 'unflinchingly bleak and desperate ', 'x');
    const spans = [s.wordSpans[0], s.wordSpans[1], s.wordSpans[3]];
    const masker = new AttentionMasker({ ids: s.ids, spans, layout: BERT });
    const batch = randomBatch(3, 8, 3);
    const out = masker.mask(batch, 0, 8);
    const L = s.ids.length;
    for (let k = 0; k < 8; k++)
      for (let t = 0; t < L; t++) {
        const p = spans.findIndex(([a, e]) => t >= a && t < e);
        expect(Number(out.input_ids.data[k * L + t])).toBe(s.ids[t]);
        expect(out.attention_mask.data[k * L + t]).toBe(p >= 0 && !batch.has(k, p) ? 0n : 1n);
      }
  });

  it('needs a model with attention_mask', () => {
    expect(
      () =>
        new AttentionMasker({
          ids: [1, 2],
          spans: [[0, 1]],
          layout: { attentionMask: false, tokenTypes: false },
        }),
    ).toThrow(/--masking/);
  });
});

describe('baseline tokens and model inputs', () => {
  it('resolves mask, pad, unk and id:<n>', () => {
    expect(resolveBaselineToken('mask', tokenizer)).toBe(103);
    expect(resolveBaselineToken('pad', tokenizer)).toBe(0);
    expect(resolveBaselineToken('unk', tokenizer)).toBe(100);
    expect(resolveBaselineToken('id:1996', tokenizer)).toBe(1996);
    expect(() => resolveBaselineToken('id:40000', tokenizer)).toThrow(
      /--baseline-token: token id 40000 is outside/,
    );
    expect(() => resolveBaselineToken('zero', tokenizer)).toThrow(
      /--baseline-token: expected mask, pad, unk or id:<n>/,
    );
  });

  it('a tokenizer without a mask token refuses the mask baseline, naming the option', async () => {
    const t = tempDir('nlp-nomask-');
    try {
      copyTokenizer(t.dir, (c) => delete c.mask_token);
      const tok = await loadTokenizer(t.dir);
      expect(tok.special.mask).toBeUndefined();
      expect(() => resolveBaselineToken('mask', tok)).toThrow(
        /--baseline-token: the tokenizer in .* has no mask token/,
      );
      expect(resolveBaselineToken('pad', tok)).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('accepts models with and without token_type_ids, refuses models that do not read token ids', () => {
    expect(textInputLayout(['input_ids', 'attention_mask', 'token_type_ids'])).toEqual(BERT);
    expect(textInputLayout(['input_ids', 'attention_mask'])).toEqual(DISTIL);
    expect(textInputLayout(['input_ids'])).toEqual({ attentionMask: false, tokenTypes: false });
    expect(() => textInputLayout(['pixel_values'])).toThrow(
      /--model: the model's inputs are pixel_values; a text model takes token ids/,
    );
    expect(() => textInputLayout(['input_ids', 'x'])).toThrow(/not x/);
  });

  it('pads whole sentences on the right with attention 0', () => {
    const out = batchInputs(
      [
        [101, 7, 102],
        [101, 102],
      ],
      BERT,
      0,
    );
    expect(out.input_ids.dims).toEqual([2, 3]);
    expect([...out.input_ids.data]).toEqual([101n, 7n, 102n, 101n, 102n, 0n]);
    expect([...out.attention_mask.data]).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
    expect([...out.token_type_ids.data]).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
  });
});
