import type { TextTokenizer } from '../tokenizer/text-tokenizer.js';
import type { TokenizedSentence } from '../tokenizer/word-alignment.js';

/** Why a word is or is not eligible as a player. */
export type WordKind = 'content' | 'special' | 'punctuation' | 'stop-word';

/**
 * Which words may be players (`--player-rule`):
 * - `content` (default): every word that is not a special token, not punctuation only and not a
 *   stop-word;
 * - `no-punctuation`: stop-words allowed, special tokens and punctuation skipped;
 * - `every`: every word except special tokens.
 */
export type PlayerRule = 'content' | 'no-punctuation' | 'every';

/** The rules, in the order `--help` lists them. */
export const PLAYER_RULES: readonly PlayerRule[] = ['content', 'no-punctuation', 'every'];

// Letters and digits make a word content; anything made only of punctuation and symbols
// (`.`, `,`, `--`, `...`, `(`, `''`, `$`) is punctuation.
const PUNCTUATION_ONLY = /^[\p{P}\p{S}]+$/u;

/**
 * Classifies each word of a tokenised sentence:
 * - `special`: all its tokens are special tokens of the tokenizer (a literal `[MASK]` or `[SEP]`
 *   in the text), except the unknown token — a word the vocabulary lacks is still a word;
 * - `punctuation`: it consists of punctuation and symbol characters only (Unicode P and S);
 * - `stop-word`: its lower-cased text is in `stopwords`;
 * - `content`: anything else.
 */
export function classifyWords(
  sentence: TokenizedSentence,
  tokenizer: TextTokenizer,
  stopwords: ReadonlySet<string>,
): WordKind[] {
  return sentence.words.map((w, k) => {
    const [s, e] = sentence.wordSpans[k];
    let special = true;
    for (let t = s; t < e && special; t++) {
      const id = sentence.ids[t];
      special = tokenizer.specialIds.has(id) && id !== tokenizer.special.unk;
    }
    if (special) return 'special';
    if (PUNCTUATION_ONLY.test(w)) return 'punctuation';
    if (stopwords.has(w.toLowerCase())) return 'stop-word';
    return 'content';
  });
}

/** Whether a word of `kind` may be a player under `rule`. */
export function eligible(kind: WordKind, rule: PlayerRule): boolean {
  switch (rule) {
    case 'content':
      return kind === 'content';
    case 'no-punctuation':
      return kind === 'content' || kind === 'stop-word';
    case 'every':
      return kind !== 'special';
  }
}
