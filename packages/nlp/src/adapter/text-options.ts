import { OrderlensInputError, type OptionDescriptor } from '@orderlens/core';
import { BASELINE_TOKENS } from '../masking/baseline-token.js';
import { TEXT_ENCODINGS, type TextEncoding } from '../data/text-decoding.js';
import type { TextMasking } from '../masking/word-piece-masker.js';
import type { WordChoice } from '../players/word-effects.js';
import type { WordCount } from '../players/word-players.js';
import { PLAYER_RULES, type PlayerRule } from '../players/word-rule.js';

/** Players per sentence when `--words` is not given: the papers' 10. */
export const DEFAULT_WORDS = 10;
/**
 * Most players the `exact` protocol takes by default (2^12 coalitions per sentence); the shared
 * `--max-players` flag overrides it.
 */
export const DEFAULT_MAX_PLAYERS = 12;

/** The options of the `text` adapter (`orderlens analyze text …`); the model folder is the generic `--model`. */
export const TEXT_OPTIONS: readonly OptionDescriptor[] = [
  {
    key: 'sentences',
    flag: '--sentences <file>',
    type: 'string',
    path: true,
    description:
      'sentences to analyse: a .txt file (one per line) or a .tsv with a header naming a "sentence" and optionally a "label" column (SST-2)',
  },
  {
    key: 'sentence',
    flag: '--sentence <text>',
    type: 'strings',
    description: 'a sentence given inline (repeatable); instead of --sentences',
  },
  {
    key: 'encoding',
    flag: '--encoding <utf8|latin1>',
    type: 'string',
    choices: TEXT_ENCODINGS,
    description:
      'how the --sentences file is decoded (default utf8, strictly: an invalid byte is an error naming its offset); latin1 for files written in ISO-8859-1',
  },
  {
    key: 'label',
    flag: '--label <k>',
    type: 'integer',
    min: 0,
    description:
      'label of every sentence (for inline text or a .txt file); without it and without a label column, each sentence takes the class the model predicts for it',
  },
  {
    key: 'words',
    flag: '--words <n|all>',
    type: 'string',
    default: String(DEFAULT_WORDS),
    description:
      'players per sentence: the first n words the player rule accepts, in reading order (the papers use 10), or all of them',
  },
  {
    key: 'wordChoice',
    flag: '--word-choice <first|effect>',
    type: 'string',
    default: 'first',
    choices: ['first', 'effect'],
    description:
      'which of the accepted words become the --words players: the first in reading order (default), or those whose masking alone changes the log-odds of the label most (n + 1 model calls per sentence)',
  },
  {
    key: 'playerRule',
    flag: '--player-rule <rule>',
    type: 'string',
    default: 'content',
    choices: PLAYER_RULES,
    description:
      'which words may be players: content (skip special tokens, punctuation and stop-words), no-punctuation (keep stop-words), every (skip special tokens only)',
  },
  {
    key: 'shortSentences',
    flag: '--short-sentences <error|skip>',
    type: 'string',
    default: 'error',
    choices: ['error', 'skip'],
    description:
      'a sentence with fewer accepted words than --words: fail naming it (default), or leave it out with a warning',
  },
  {
    key: 'masking',
    flag: '--masking <token|attention>',
    type: 'string',
    default: 'token',
    choices: ['token', 'attention'],
    description:
      'how an absent word is simulated: token replaces each of its word-pieces by the baseline token (sequence length kept, as the papers); attention sets its attention_mask to 0',
  },
  {
    key: 'baselineToken',
    flag: '--baseline-token <mask|pad|unk|id:n>',
    type: 'string',
    default: 'mask',
    description:
      "the token absent word-pieces become under --masking token: the tokenizer's mask, pad or unk token, or id:<n>",
  },
  {
    key: 'maxLength',
    flag: '--max-length <tokens>',
    type: 'integer',
    min: 2,
    description:
      "longest input in tokens, special tokens included (default: the tokenizer's model_max_length, else config.json's max_position_embeddings)",
  },
  {
    key: 'arcs',
    flag: '--arcs <auto|sii|mean|order:m>',
    type: 'string',
    default: 'auto',
    affectsResult: false,
    description:
      'what the word-arc picture of the first sentence shows: pairwise SII (exact protocol only), the mean of I^(m)(i,j) over the computed orders, I^(m)(i,j) at a computed order m, or auto (default: SII where the protocol gives it, else the mean)',
  },
  {
    key: 'arcsTop',
    flag: '--arcs-top <k>',
    type: 'integer',
    default: 10,
    min: 1,
    affectsResult: false,
    description: 'number of strongest pairs drawn as arcs',
  },
];

/** The `text` adapter's options after {@link parseTextOptions}. */
export interface TextOptions {
  readonly sentences?: string;
  readonly sentence?: readonly string[];
  /** How the `--sentences` file is decoded. */
  readonly encoding: TextEncoding;
  readonly label?: number;
  readonly words: WordCount;
  readonly wordChoice: WordChoice;
  readonly playerRule: PlayerRule;
  readonly shortSentences: 'error' | 'skip';
  readonly masking: TextMasking;
  readonly baselineToken: string;
  readonly maxLength?: number;
  readonly arcs: string;
  readonly arcsTop: number;
}

/**
 * Reads the adapter's options (already parsed by their descriptors, defaults filled) into
 * {@link TextOptions}, checking what the descriptors cannot: `--words` is a positive integer or
 * `all`, the baseline token is well formed.
 */
export function parseTextOptions(options: Readonly<Record<string, unknown>>): TextOptions {
  const get = <T>(key: string, fallback: T): T =>
    options[key] === undefined ? fallback : (options[key] as T);
  const wordsRaw = String(get('words', String(DEFAULT_WORDS))).trim();
  let words: WordCount;
  if (wordsRaw === 'all') words = 'all';
  else if (/^\d+$/.test(wordsRaw) && Number(wordsRaw) >= 2) words = Number(wordsRaw);
  else throw new OrderlensInputError('--words', `expected an integer ≥ 2 or "all", got "${wordsRaw}"`);
  const baselineToken = String(get('baselineToken', 'mask'));
  if (!(BASELINE_TOKENS as readonly string[]).includes(baselineToken) && !/^id:\d+$/.test(baselineToken))
    throw new OrderlensInputError(
      '--baseline-token',
      `expected mask, pad, unk or id:<n>, got "${baselineToken}"`,
    );
  const sentence = options.sentence as readonly string[] | undefined;
  // Inline sentences arrive decoded already; an encoding for them would be ignored silently.
  if (options.encoding !== undefined && options.sentences === undefined)
    throw new OrderlensInputError(
      '--encoding',
      'applies to a --sentences file; inline --sentence text is not decoded',
    );
  return {
    sentences: options.sentences as string | undefined,
    sentence,
    encoding: get('encoding', 'utf8' as TextEncoding),
    label: options.label as number | undefined,
    words,
    wordChoice: get('wordChoice', 'first' as WordChoice),
    playerRule: get('playerRule', 'content' as PlayerRule),
    shortSentences: get('shortSentences', 'error' as const),
    masking: get('masking', 'token' as TextMasking),
    baselineToken,
    maxLength: options.maxLength as number | undefined,
    arcs: get('arcs', 'auto'),
    arcsTop: get('arcsTop', 10),
  };
}
