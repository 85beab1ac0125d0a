import { requireInput } from '@orderlens/core';
import type { TokenizedSentence } from './word-alignment.js';

/**
 * Largest share of words a tokenizer may turn into nothing but its unknown token before the
 * analysis is refused. An `[UNK]` word carries no information of its own, so a model reads every
 * such word alike: above one half, the "interactions between words" would mostly be interactions
 * between identical unknown tokens, which only happens when the tokenizer does not fit the text
 * (an empty or foreign vocabulary, another language, text decoded in the wrong encoding).
 */
export const MAX_UNKNOWN_WORD_SHARE = 0.5;

/** Words of `sentences` whose every token is `unkId`, and all words. */
export function countUnknownWords(
  sentences: readonly TokenizedSentence[],
  unkId: number,
): { unknown: number; words: number; examples: string[] } {
  let unknown = 0;
  let words = 0;
  const examples: string[] = [];
  for (const s of sentences)
    s.wordSpans.forEach(([a, e], w) => {
      words++;
      for (let t = a; t < e; t++) if (s.ids[t] !== unkId) return;
      unknown++;
      if (examples.length < 5) examples.push(s.words[w]);
    });
  return { unknown, words, examples };
}

/**
 * Refuses sentences of which the tokenizer maps more than {@link MAX_UNKNOWN_WORD_SHARE} of the
 * words entirely to its unknown token, naming the share and a few such words. A tokenizer without
 * an unknown token has nothing to check.
 */
export function refuseMostlyUnknownWords(
  sentences: readonly TokenizedSentence[],
  unkId: number | undefined,
  unkToken: string,
  field: string,
): void {
  if (unkId === undefined) return;
  const { unknown, words, examples } = countUnknownWords(sentences, unkId);
  requireInput(
    unknown <= MAX_UNKNOWN_WORD_SHARE * words,
    field,
    `the tokenizer maps ${unknown} of ${words} words (${((100 * unknown) / words).toFixed(0)} %, more than ${100 * MAX_UNKNOWN_WORD_SHARE} %) entirely to ${unkToken}, e.g. ${examples.map((w) => `"${w}"`).join(', ')}; its vocabulary does not fit this text (is it the model's tokenizer, and the text in the right language and encoding?)`,
  );
}
