import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectInputError, tempDir } from '@orderlens/core/testing';
import { DEV_TSV } from '../test-utils/index.js';
import { inlineSentences, readSentenceFile, readSentences } from './sentences.js';
import { firstInvalidUtf8 } from './text-decoding.js';

describe('sentence readers', () => {
  it('reads SST-2 dev: sentence and label columns, ids by row', () => {
    const dev = readSentenceFile(DEV_TSV);
    expect(dev.labelled).toBe(true);
    expect(dev.sentences.length).toBe(872);
    expect(dev.sentences[0]).toEqual({
      id: 'dev-0',
      text: "it 's a charming and often affecting journey . ",
      label: 1,
      where: 'dev.tsv line 2',
    });
    expect(dev.sentences.filter((s) => s.label === 0).length).toBe(428);
  });

  it('reads a text file one sentence per line; a final newline is not a sentence', () => {
    const t = tempDir('nlp-data-');
    try {
      const p = t.file('mine.txt', 'a good film\r\nbad acting\n');
      expect(readSentenceFile(p).sentences.map((s) => [s.id, s.text])).toEqual([
        ['mine-0', 'a good film'],
        ['mine-1', 'bad acting'],
      ]);
      expect(() => readSentenceFile(t.file('gap.txt', 'good\n\nbad\n'))).toThrow(
        /--sentences \(gap\.txt line 2\): the sentence is empty/,
      );
      expect(() => readSentenceFile(t.file('none.txt', ''))).toThrow(/--sentences: .* holds no sentences/);
    } finally {
      t.cleanup();
    }
  });

  it('refuses TSVs without a sentence column, with bad labels or ragged rows, naming file and line', () => {
    const t = tempDir('nlp-data-');
    try {
      expect(() => readSentenceFile(t.file('a.tsv', 'text\tlabel\nx\t1\n'))).toThrow(/no "sentence" column/);
      expect(() => readSentenceFile(t.file('b.tsv', 'sentence\tlabel\nx\tpos\n'))).toThrow(
        /b\.tsv line 2\): label "pos"/,
      );
      expect(() => readSentenceFile(t.file('c.tsv', 'sentence\tlabel\nx\n'))).toThrow(
        /c\.tsv line 2\): has 1 tab-separated fields/,
      );
      expect(() => readSentenceFile(t.file('d.tsv', 'sentence\tlabel\n \t1\n'))).toThrow(
        /d\.tsv line 2\): the sentence is empty/,
      );
      const s = readSentenceFile(t.file('e.tsv', 'sentence\nfine words\n'));
      expect(s.labelled).toBe(false);
      expect(s.sentences[0].label).toBeUndefined();
      expect(() => readSentenceFile(t.file('missing.tsv') + 'x')).toThrow(/--sentences: .* does not exist/);
    } finally {
      t.cleanup();
    }
  });

  it('takes inline sentences, one source at a time', () => {
    expect(inlineSentences(['a b', 'c']).sentences.map((s) => s.id)).toEqual(['sentence-0', 'sentence-1']);
    expect(() => inlineSentences(['a', ' '])).toThrow(/--sentence #2: the sentence is empty/);
    expect(() => readSentences({ sentence: [''] })).toThrow(/--sentence: the sentence is empty/);
    expect(() => readSentences({})).toThrow(/--sentences: expected a file/);
    expect(() => readSentences({ sentences: DEV_TSV, sentence: ['x'] })).toThrow(/not both/);
  });

  it('decodes strictly as UTF-8, naming the byte offset and line of the first invalid byte', () => {
    const t = tempDir('nlp-data-');
    try {
      // "café" in Latin-1: 0xE9 followed by a newline cannot be UTF-8.
      const latin = t.file('latin.txt');
      writeFileSync(latin, Buffer.from('a good film\nnice caf\xe9\n', 'latin1'));
      expectInputError(
        () => readSentenceFile(latin),
        '--sentences',
        /latin\.txt is not valid UTF-8: byte 0xE9 at byte offset 20 \(line 2\).*--encoding latin1/,
      );
      expect(readSentenceFile(latin, '--sentences', 'latin1').sentences[1].text).toBe('nice café');
      expect(readSentences({ sentences: latin, encoding: 'latin1' }).sentences[1].text).toBe('nice café');
      const utf8 = t.file('utf8.tsv', 'sentence\nnaïve café ☕ 𝄞\n');
      expect(readSentenceFile(utf8).sentences[0].text).toBe('naïve café ☕ 𝄞');
    } finally {
      t.cleanup();
    }
  });

  it('finds the first invalid UTF-8 byte: stray continuations, overlongs, surrogates, truncation', () => {
    const at = (...b: number[]) => firstInvalidUtf8(Uint8Array.from(b));
    expect(at(0x61, 0xc3, 0xa9, 0xe2, 0x98, 0x95, 0xf0, 0x9d, 0x84, 0x9e)).toBe(-1);
    expect(at(0x61, 0x80)).toBe(1); // continuation without a lead
    expect(at(0xc0, 0xaf)).toBe(0); // overlong "/"
    expect(at(0xe0, 0x80, 0xaf)).toBe(0); // overlong
    expect(at(0x61, 0xed, 0xa0, 0x80)).toBe(1); // a surrogate
    expect(at(0xf4, 0x90, 0x80, 0x80)).toBe(0); // above U+10FFFF
    expect(at(0x61, 0x62, 0xe2, 0x98)).toBe(2); // truncated at the end
    expect(at(0xe2, 0x61, 0x62)).toBe(0); // a lead followed by ASCII
  });

  it('refuses NUL and other control characters before any work, naming the line or inline sentence', () => {
    const t = tempDir('nlp-data-');
    try {
      expectInputError(
        () => readSentenceFile(t.file('nul.txt', 'fine words\nbad\u0000word\n')),
        '--sentences (nul.txt line 2)',
        /control character U\+0000 \(NUL\) at character 4/,
      );
      expectInputError(
        () => readSentenceFile(t.file('esc.tsv', 'sentence\tlabel\nok\t1\nx\u001b[31m\t0\n')),
        '--sentences (esc.tsv line 3)',
        /U\+001B \(ESC\)/,
      );
      expectInputError(() => inlineSentences(['good', 'a\u007fb']), '--sentence #2', /U\+007F \(DEL\)/);
      expectInputError(() => inlineSentences(['two\nlines']), '--sentence', /U\+000A \(LF\)/);
      // A tab between words is whitespace, not a control character to refuse.
      expect(inlineSentences(['a\tb']).sentences[0].text).toBe('a\tb');
    } finally {
      t.cleanup();
    }
  });
});
