import { OrderlensInputError, requireInput } from '@orderlens/core';
import type { TextTokenizer } from './text-tokenizer.js';

/** A sentence split into words and tokenised, with the word every token belongs to. */
export interface TokenizedSentence {
  /** The sentence as given. */
  readonly text: string;
  /** Whitespace-separated words, in order. */
  readonly words: readonly string[];
  /** Token ids of the whole sentence, special tokens included (what the model reads). */
  readonly ids: readonly number[];
  /** Token strings of {@link ids}. */
  readonly tokens: readonly string[];
  /** `[start, end)` token positions of each word; every word has at least one token. */
  readonly wordSpans: ReadonlyArray<readonly [number, number]>;
  /** Word index of each token, −1 for the special tokens of the template. */
  readonly wordOfToken: Int32Array;
}

/**
 * Tokenises `text` word by word and checks the result against the tokenizer's own encoding of the
 * whole sentence.
 *
 * Words are the whitespace-separated pieces of the text: SST-2 is lower-cased and PTB-tokenised
 * with spaces (`it 's`, `does n't`), so its words are exactly these pieces, and a WordPiece
 * tokenizer splits on whitespace before anything else, so tokenising each word alone gives the
 * same word-pieces as tokenising the sentence. Transformers.js v4 gives no character offsets, so
 * this equality is what ties each token to its word; it is checked for every sentence (template
 * prefix + the words' pieces + template suffix must equal the full encoding), and a tokenizer for
 * which it fails (byte-level BPE, whose pieces depend on the preceding space) is refused with a
 * message instead of silently misaligning words.
 *
 * @param field - The input holding the sentence, named in errors (e.g. `--sentences line 4`).
 */
export function tokenizeWords(tokenizer: TextTokenizer, text: string, field: string): TokenizedSentence {
  const words = text.split(/\s+/u).filter((w) => w.length > 0);
  requireInput(words.length > 0, field, 'the sentence is empty (it has no words)');
  const full = tokenizer.encode(text, true);
  const template = templateOf(tokenizer);
  const ids: number[] = [...template.prefix];
  const spans: Array<readonly [number, number]> = [];
  for (const w of words) {
    const start = ids.length;
    const pieces = tokenizer.encode(w, false);
    // A word the tokenizer drops entirely (a control character) would be a player with nothing
    // to mask: refuse it rather than measure a player that cannot change the input.
    requireInput(pieces.length > 0, field, `the word "${w}" has no tokens under this tokenizer`);
    ids.push(...pieces);
    spans.push([start, ids.length]);
  }
  ids.push(...template.suffix);
  if (ids.length !== full.length || ids.some((id, k) => id !== full[k]))
    throw new OrderlensInputError(
      field,
      `the tokens of the words one at a time (${ids.length}) differ from the tokens of the whole sentence (${full.length}), so word-pieces cannot be assigned to words; the text adapter needs a tokenizer that splits on whitespace first (WordPiece/BERT-style)`,
    );
  const wordOfToken = new Int32Array(ids.length).fill(-1);
  spans.forEach(([s, e], w) => wordOfToken.fill(w, s, e));
  return { text, words, ids, tokens: ids.map((id) => tokenizer.tokenOf(id)), wordSpans: spans, wordOfToken };
}

const templates = new WeakMap<TextTokenizer, { prefix: number[]; suffix: number[] }>();

/**
 * The special tokens the tokenizer's template puts around a text (`[CLS]` before, `[SEP]` after
 * for BERT): read off the encoding of a one-word text, whose own pieces sit between them.
 */
function templateOf(tokenizer: TextTokenizer): { prefix: number[]; suffix: number[] } {
  let t = templates.get(tokenizer);
  if (!t) {
    const probe = 'a';
    const inner = tokenizer.encode(probe, false);
    const full = tokenizer.encode(probe, true);
    const at = indexOfRun(full, inner);
    if (at < 0)
      throw new OrderlensInputError(
        'tokenizer',
        "cannot find the text between the special tokens of the tokenizer's template",
      );
    t = { prefix: full.slice(0, at), suffix: full.slice(at + inner.length) };
    templates.set(tokenizer, t);
  }
  return t;
}

function indexOfRun(hay: readonly number[], needle: readonly number[]): number {
  for (let s = 0; s + needle.length <= hay.length; s++) {
    let ok = true;
    for (let k = 0; k < needle.length && ok; k++) ok = hay[s + k] === needle[k];
    if (ok) return s;
  }
  return -1;
}
