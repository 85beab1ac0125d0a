import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import { decodeSentenceBytes, refuseControlCharacters, type TextEncoding } from './text-decoding.js';

/** One sentence to analyse. */
export interface SentenceRecord {
  /** Stable id: `<file stem>-<row>` (row 0 is the first sentence) or `sentence-<k>` for inline text. */
  readonly id: string;
  readonly text: string;
  /** Label from the file's `label` column, when it has one. */
  readonly label?: number;
  /** Where it came from, for messages: `dev.tsv line 4`, `--sentence #2`. */
  readonly where: string;
}

/** Sentences and where they came from. */
export interface SentenceSource {
  /** The source as resolved (an absolute file path, or `inline`), for provenance. */
  readonly data: string;
  readonly sentences: readonly SentenceRecord[];
  /** Whether the source gave labels (a TSV with a `label` column). */
  readonly labelled: boolean;
}

/**
 * Reads sentences from a file (`--sentences`):
 * - `.tsv`: a header row naming the columns, one of them `sentence` and optionally `label`
 *   (non-negative integers), as GLUE's SST-2 (`sentence\tlabel`);
 * - any other file (`.txt`): one sentence per line.
 *
 * The text is kept as written (SST-2's trailing space included; words are split on whitespace
 * later). The file is decoded strictly as UTF-8 (an invalid byte is an error naming its offset)
 * unless `encoding` is `latin1`. An empty sentence, a control character (NUL …), a line with the
 * wrong number of TSV fields and a bad label are input errors naming the file and line; a final
 * newline is not an empty sentence.
 */
export function readSentenceFile(
  path: string,
  field = '--sentences',
  encoding: TextEncoding = 'utf8',
): SentenceSource {
  const file = resolve(path);
  requireInput(existsSync(file), field, `${path} does not exist`);
  requireInput(statSync(file).isFile(), field, `${path} is not a file`);
  const stem = basename(file, extname(file));
  const name = basename(file);
  const text = decodeSentenceBytes(readFileSync(file), encoding, name, field).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const sentences: SentenceRecord[] = [];
  if (extname(file).toLowerCase() === '.tsv') {
    requireInput(lines.length > 0, field, `${path} is empty; expected a header row with a "sentence" column`);
    const header = lines[0].split('\t').map((h) => h.trim());
    const si = header.indexOf('sentence');
    const li = header.indexOf('label');
    requireInput(
      si >= 0,
      field,
      `${path} has no "sentence" column in its header (columns: ${header.join(', ')})`,
    );
    for (let r = 1; r < lines.length; r++) {
      const where = `${name} line ${r + 1}`;
      const cells = lines[r].split('\t');
      requireInput(
        cells.length === header.length,
        `${field} (${where})`,
        `has ${cells.length} tab-separated fields, the header ${header.length}`,
      );
      const s = cells[si];
      requireInput(s.trim() !== '', `${field} (${where})`, 'the sentence is empty');
      refuseControlCharacters(s, `${field} (${where})`);
      let label: number | undefined;
      if (li >= 0) {
        const v = cells[li].trim();
        requireInput(/^\d+$/.test(v), `${field} (${where})`, `label "${v}" is not a non-negative integer`);
        label = Number(v);
      }
      sentences.push({ id: `${stem}-${r - 1}`, text: s, label, where });
    }
    requireInput(sentences.length > 0, field, `${path} has a header but no sentences`);
    return { data: file, sentences, labelled: li >= 0 };
  }
  lines.forEach((s, r) => {
    requireInput(
      s.trim() !== '',
      `${field} (${name} line ${r + 1})`,
      'the sentence is empty (a text file holds one sentence per line)',
    );
    refuseControlCharacters(s, `${field} (${name} line ${r + 1})`);
    sentences.push({ id: `${stem}-${r}`, text: s, where: `${name} line ${r + 1}` });
  });
  requireInput(sentences.length > 0, field, `${path} holds no sentences`);
  return { data: file, sentences, labelled: false };
}

/** Sentences given inline (`--sentence "…"`, repeatable), with ids `sentence-0`, `sentence-1`, … */
export function inlineSentences(texts: readonly string[], field = '--sentence'): SentenceSource {
  requireInput(texts.length > 0, field, 'expected at least one sentence');
  const sentences = texts.map((t, k) => {
    const where = texts.length === 1 ? field : `${field} #${k + 1}`;
    requireInput(t.trim() !== '', where, 'the sentence is empty');
    refuseControlCharacters(t, where);
    return { id: `sentence-${k}`, text: t, where };
  });
  return { data: 'inline', sentences, labelled: false };
}

/**
 * The sentences of an analysis: `--sentences <file>` (read in `encoding`, default UTF-8) or
 * `--sentence <text>` (repeatable), exactly one of them.
 */
export function readSentences(options: {
  sentences?: string;
  sentence?: readonly string[];
  encoding?: TextEncoding;
}): SentenceSource {
  const file = options.sentences;
  const inline = options.sentence ?? [];
  if (file !== undefined && inline.length > 0)
    throw new OrderlensInputError(
      '--sentence',
      'give sentences either inline (--sentence) or in a file (--sentences), not both',
    );
  if (file !== undefined) return readSentenceFile(file, '--sentences', options.encoding);
  if (inline.length > 0) return inlineSentences(inline);
  throw new OrderlensInputError(
    '--sentences',
    'expected a file of sentences (--sentences <file.txt|file.tsv>) or --sentence <text>',
  );
}
