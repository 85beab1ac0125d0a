import { OrderlensInputError, type WordPlayers } from '@orderlens/core';
import type { TokenizedSentence } from '../tokenizer/word-alignment.js';
import { eligible, type PlayerRule, type WordKind } from './word-rule.js';

/** How many players a sentence gets (`--words`): a fixed count, or every eligible word. */
export type WordCount = number | 'all';

/** Options of {@link chooseWordPlayers}. */
export interface ChooseWordsOptions {
  readonly rule: PlayerRule;
  readonly count: WordCount;
  /** The option the count came from, named in errors (default `--words`). */
  readonly field?: string;
  /** How the sentence is named in errors (e.g. `dev-17`). */
  readonly sentenceId?: string;
}

/**
 * The words that become players: the eligible words under `rule`, and of those the **first**
 * `count` in reading order (or all of them). Reading order is deterministic and needs no model
 * call, and the players stay in sentence order, so player `i` is the `i`-th chosen word and
 * sequence-adjacency pairs are pairs of neighbouring chosen words.
 *
 * A sentence with fewer eligible words than `count` is an input error naming the option and the
 * sentence (the adapter can skip such sentences instead, see `--short-sentences`); so is a
 * sentence with no eligible word at all.
 *
 * @returns Word indices of the players, ascending.
 */
export function chooseWordPlayers(kinds: readonly WordKind[], options: ChooseWordsOptions): number[] {
  const words = eligibleWords(kinds, options);
  return options.count === 'all' ? words : words.slice(0, options.count);
}

/**
 * The words that may be players under `options.rule`, ascending, checked to be at least
 * `options.count` (errors as {@link chooseWordPlayers}).
 */
export function eligibleWords(kinds: readonly WordKind[], options: ChooseWordsOptions): number[] {
  const field = options.field ?? '--words';
  const words: number[] = [];
  kinds.forEach((k, w) => {
    if (eligible(k, options.rule)) words.push(w);
  });
  const name = options.sentenceId ? `sentence ${options.sentenceId}` : 'the sentence';
  if (words.length === 0)
    throw new OrderlensInputError(
      field,
      `${name} has no word the player rule "${options.rule}" accepts (${describeKinds(kinds)})`,
    );
  if (options.count !== 'all' && words.length < options.count)
    throw new OrderlensInputError(
      field,
      `${name} has ${words.length} word${words.length === 1 ? '' : 's'} the player rule "${options.rule}" accepts, fewer than the ${options.count} asked (${describeKinds(kinds)}); ask for fewer words, use --words all, or --short-sentences skip`,
    );
  return words;
}

function describeKinds(kinds: readonly WordKind[]): string {
  const c = { content: 0, 'stop-word': 0, punctuation: 0, special: 0 };
  for (const k of kinds) c[k]++;
  return `${kinds.length} words: ${c.content} content, ${c['stop-word']} stop-words, ${c.punctuation} punctuation, ${c.special} special tokens`;
}

/** The players descriptor of a sentence whose players are the words `playerWords`. */
export function wordPlayersDescriptor(
  sentence: TokenizedSentence,
  playerWords: readonly number[],
): WordPlayers {
  return {
    kind: 'words',
    n: playerWords.length,
    text: sentence.text,
    words: playerWords.map((w) => sentence.words[w]),
    tokenSpans: playerWords.map((w) => [sentence.wordSpans[w][0], sentence.wordSpans[w][1]] as const),
    tokens: [...sentence.tokens],
  };
}
