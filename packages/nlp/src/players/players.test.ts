import { describe, expect, it } from 'vitest';
import { readSentenceFile } from '../data/sentences.js';
import { BERT_DIR, DEV_TSV } from '../test-utils/index.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { tokenizeWords } from '../tokenizer/word-alignment.js';
import { englishStopwords, parseStopwords } from './stopwords.js';
import { chooseWordPlayers, wordPlayersDescriptor } from './word-players.js';
import { classifyWords } from './word-rule.js';

const tokenizer = await loadTokenizer(BERT_DIR);
const dev = readSentenceFile(DEV_TSV).sentences;

function players(
  row: number,
  count: number | 'all' = 10,
  rule: 'content' | 'no-punctuation' | 'every' = 'content',
) {
  const s = tokenizeWords(tokenizer, dev[row].text, dev[row].where);
  const words = chooseWordPlayers(classifyWords(s, tokenizer, englishStopwords()), {
    rule,
    count,
    sentenceId: dev[row].id,
  });
  return { s, words, descriptor: wordPlayersDescriptor(s, words) };
}

describe('stop-words', () => {
  it('ships NLTK English without the negations, plus the PTB clitics', () => {
    const sw = englishStopwords();
    expect(sw.size).toBe(182);
    for (const w of ['the', 'a', 'and', 'is', 'it', "it's", 'very', "'s", "'re"])
      expect(sw.has(w), w).toBe(true);
    for (const w of ['not', 'no', 'nor', "n't", 'film', 'good']) expect(sw.has(w), w).toBe(false);
    expect([...parseStopwords('# c\n\nThe\n a \n')]).toEqual(['the', 'a']);
  });
});

describe('the word-player rule on SST-2 dev sentences', () => {
  it('skips stop-words and punctuation and takes the first content words in reading order', () => {
    // dev-3: "the acting , costumes , music , cinematography and sound are all astounding given
    // the production 's austere locales . " — exactly 10 content words.
    expect(players(3).descriptor.words).toEqual([
      'acting',
      'costumes',
      'music',
      'cinematography',
      'sound',
      'astounding',
      'given',
      'production',
      'austere',
      'locales',
    ]);
    // dev-2 has 12 content words; the first 10 are taken ("us" and "yet" are not in NLTK's list;
    // "to", "that", "is", "as", "a" are).
    expect(players(2).descriptor.words).toEqual([
      'allows',
      'us',
      'hope',
      'nolan',
      'poised',
      'embark',
      'major',
      'career',
      'commercial',
      'yet',
    ]);
    expect(players(2, 'all').descriptor.words.at(-1)).toBe('filmmaker');
  });

  it("keeps negations and n't as content words", () => {
    // dev-8: "you do n't have to know about music to appreciate the film 's easygoing blend of comedy and romance . "
    expect(players(8, 'all').descriptor.words).toEqual([
      "n't",
      'know',
      'music',
      'appreciate',
      'film',
      'easygoing',
      'blend',
      'comedy',
      'romance',
    ]);
  });

  it('records each player word with its token span, all word-pieces together', () => {
    // dev-1: "unflinchingly bleak and desperate " — unflinchingly is 5 word-pieces.
    const { descriptor } = players(1, 'all');
    expect(descriptor).toMatchObject({ kind: 'words', n: 3, words: ['unflinchingly', 'bleak', 'desperate'] });
    expect(descriptor.tokenSpans).toEqual([
      [1, 6],
      [6, 7],
      [8, 9],
    ]);
    expect(descriptor.tokens?.[0]).toBe('[CLS]');
  });

  it('other rules keep stop-words or every word', () => {
    expect(players(0, 'all', 'no-punctuation').descriptor.words).toEqual([
      'it',
      "'s",
      'a',
      'charming',
      'and',
      'often',
      'affecting',
      'journey',
    ]);
    expect(players(0, 'all', 'every').descriptor.n).toBe(9);
  });

  it('a sentence with fewer content words than asked is an error naming the option and the sentence', () => {
    expect(() => players(0, 10)).toThrow(
      /--words: sentence dev-0 has 4 words the player rule "content" accepts, fewer than the 10 asked/,
    );
  });

  it('a literal special token is never a player, an unknown word is', () => {
    const s = tokenizeWords(tokenizer, 'good [MASK] film ꙮ', 'x');
    expect(classifyWords(s, tokenizer, englishStopwords())).toEqual([
      'content',
      'special',
      'content',
      'content',
    ]);
  });
});
