import { describe, expect, it } from 'vitest';
import { tempDir } from '@orderlens/core/testing';
import { DEV_TSV } from '../test-utils/index.js';
import { inlineSentences, readSentenceFile, readSentences } from './sentences.js';

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
});
