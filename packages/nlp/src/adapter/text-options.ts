import { z } from 'zod';
import { OrderlensInputError, optionField, optionBlock, parseOptionBlock } from '@orderlens/core';
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

/** `--words`: a whole number of players ≥ 2, or `all`. */
function isWordCount(raw: string): boolean {
  const w = raw.trim();
  return w === 'all' || (/^\d+$/.test(w) && Number(w) >= 2);
}

/** `--baseline-token`: one of the tokenizer's special tokens, or `id:<n>`. */
function isBaselineToken(raw: string): boolean {
  return (BASELINE_TOKENS as readonly string[]).includes(raw) || /^id:\d+$/.test(raw);
}

/**
 * The options of the `text` adapter (`orderlens analyze text …`; the model folder is the generic
 * `--model`): one schema, from which the CLI's flags and help, study-file checks and worker
 * payloads are derived.
 */
export const TEXT_OPTIONS = optionBlock({
  sentences: optionField(
    z
      .string()
      .optional()
      .describe(
        'sentences to analyse: a .txt file (one per line) or a .tsv with a header naming a "sentence" and optionally a "label" column (SST-2)',
      ),
    { flag: '--sentences <file>', path: true },
  ),
  sentence: optionField(
    z.array(z.string()).optional().describe('a sentence given inline (repeatable); instead of --sentences'),
    { flag: '--sentence <text>' },
  ),
  encoding: optionField(
    z
      .enum(TEXT_ENCODINGS)
      .optional()
      .describe(
        'how the --sentences file is decoded (default utf8, strictly: an invalid byte is an error naming its offset); latin1 for files written in ISO-8859-1',
      ),
    { flag: '--encoding <utf8|latin1>' },
  ),
  label: optionField(
    z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        'label of every sentence (for inline text or a .txt file); without it and without a label column, each sentence takes the class the model predicts for it',
      ),
    { flag: '--label <k>' },
  ),
  words: optionField(
    z
      .string()
      .refine(isWordCount, { message: 'expected an integer ≥ 2 or "all"' })
      .default(String(DEFAULT_WORDS))
      .describe(
        'players per sentence: the first n words the player rule accepts, in reading order (the papers use 10), or all of them',
      ),
    { flag: '--words <n|all>' },
  ),
  wordChoice: optionField(
    z
      .enum(['first', 'effect', 'random'])
      .default('first')
      .describe(
        'which of the accepted words become the --words players: the first in reading order (default), those whose masking alone changes the log-odds of the label most (n + 1 model calls per sentence), or n drawn at random per sentence (--players-seed; the two-phase paper)',
      ),
    { flag: '--word-choice <first|effect|random>' },
  ),
  playersSeed: optionField(
    z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("seed of --word-choice random: a sentence's words are drawn from Rng(s).fork(sentence id)"),
    { flag: '--players-seed <s>' },
  ),
  playerRule: optionField(
    z
      .enum(PLAYER_RULES)
      .default('content')
      .describe(
        'which words may be players: content (skip special tokens, punctuation and stop-words), no-punctuation (keep stop-words), every (skip special tokens only)',
      ),
    { flag: '--player-rule <rule>' },
  ),
  shortSentences: optionField(
    z
      .enum(['error', 'skip'])
      .default('error')
      .describe(
        'a sentence with fewer accepted words than --words: fail naming it (default), or leave it out with a warning',
      ),
    { flag: '--short-sentences <error|skip>' },
  ),
  masking: optionField(
    z
      .enum(['token', 'attention'])
      .default('token')
      .describe(
        'how an absent word is simulated: token replaces each of its word-pieces by the baseline token (sequence length kept, as the papers); attention sets its attention_mask to 0',
      ),
    { flag: '--masking <token|attention>' },
  ),
  baselineToken: optionField(
    z
      .string()
      .refine(isBaselineToken, { message: 'expected mask, pad, unk or id:<n>' })
      .default('mask')
      .describe(
        "the token absent word-pieces become under --masking token: the tokenizer's mask, pad or unk token, or id:<n>",
      ),
    { flag: '--baseline-token <mask|pad|unk|id:n>' },
  ),
  maxLength: optionField(
    z
      .number()
      .int()
      .min(2)
      .optional()
      .describe(
        "longest input in tokens, special tokens included (default: the tokenizer's model_max_length, else config.json's max_position_embeddings)",
      ),
    { flag: '--max-length <tokens>' },
  ),
  arcs: optionField(
    z
      .string()
      .default('auto')
      .describe(
        'what the word-arc picture of the first sentence shows: pairwise SII (exact protocol only), the mean of I^(m)(i,j) over the computed orders, I^(m)(i,j) at a computed order m, or auto (default: SII where the protocol gives it, else the mean)',
      ),
    { flag: '--arcs <auto|sii|mean|order:m>', affectsResult: false },
  ),
  arcsTop: optionField(
    z.number().int().min(1).default(10).describe('number of strongest pairs drawn as arcs'),
    {
      flag: '--arcs-top <k>',
      affectsResult: false,
    },
  ),
});

/** The `text` adapter's options after {@link parseTextOptions}. */
export interface TextOptions {
  readonly sentences?: string;
  readonly sentence?: readonly string[];
  /** How the `--sentences` file is decoded. */
  readonly encoding: TextEncoding;
  readonly label?: number;
  readonly words: WordCount;
  readonly wordChoice: WordChoice;
  /** Seed of `--word-choice random`. */
  readonly playersSeed: number;
  readonly playerRule: PlayerRule;
  readonly shortSentences: 'error' | 'skip';
  readonly masking: TextMasking;
  readonly baselineToken: string;
  readonly maxLength?: number;
  readonly arcs: string;
  readonly arcsTop: number;
}

/**
 * Reads the adapter's options by {@link TEXT_OPTIONS} (types, ranges, `--words` and the baseline
 * token checked, defaults filled) into {@link TextOptions}, and checks what one option alone
 * cannot say: an encoding needs a file to decode.
 */
export function parseTextOptions(options: Readonly<Record<string, unknown>>): TextOptions {
  const o = parseOptionBlock(TEXT_OPTIONS, options);
  // Inline sentences arrive decoded already; an encoding for them would be ignored silently.
  if (o.encoding !== undefined && o.sentences === undefined)
    throw new OrderlensInputError(
      '--encoding',
      'applies to a --sentences file; inline --sentence text is not decoded',
    );
  const words = o.words.trim();
  return {
    ...o,
    encoding: o.encoding ?? 'utf8',
    words: words === 'all' ? 'all' : Number(words),
    wordChoice: o.wordChoice as WordChoice,
    masking: o.masking as TextMasking,
  };
}
