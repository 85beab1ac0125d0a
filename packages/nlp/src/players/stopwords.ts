import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Path of the stop-word list shipped with the package (`data/stopwords-en.txt`). */
export const STOPWORDS_FILE = fileURLToPath(new URL('../../data/stopwords-en.txt', import.meta.url));

let cached: ReadonlySet<string> | undefined;

/**
 * The package's English stop-words: NLTK's English list without the negations `no`, `nor`,
 * `not`, plus the Penn-Treebank clitics `'s 're 've 'd 'll 'm` (provenance and reasons in the
 * file's header). Lower-case; compare lower-cased words.
 */
export function englishStopwords(): ReadonlySet<string> {
  cached ??= parseStopwords(readFileSync(STOPWORDS_FILE, 'utf8'));
  return cached;
}

/** Parses a stop-word list: one word per line, `#` comments and blank lines ignored. */
export function parseStopwords(text: string): ReadonlySet<string> {
  const out = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const w = line.trim().toLowerCase();
    if (w !== '' && !w.startsWith('#')) out.add(w);
  }
  return out;
}
