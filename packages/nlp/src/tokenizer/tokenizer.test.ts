import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import { tempDir } from '@orderlens/core/testing';
import { BERT_DIR, copyTokenizer, DEV_TSV } from '../test-utils/index.js';
import { readSentenceFile } from '../data/sentences.js';
import { loadTokenizer } from './load-tokenizer.js';
import { textModelFile, textModelFolder } from './model-folder.js';
import { tokenizeWords } from './word-alignment.js';

describe('loadTokenizer', () => {
  it('loads the fixture tokenizer from its folder with its special tokens', async () => {
    const tok = await loadTokenizer(BERT_DIR);
    expect(tok.className).toBe('BertTokenizer');
    expect(tok.special).toEqual({ mask: 103, pad: 0, unk: 100 });
    expect([...tok.specialIds].sort((a, b) => a - b)).toEqual([0, 100, 101, 102, 103]);
    expect(tok.vocabSize).toBe(30522);
    expect(tok.modelMaxLength).toBe(128);
    expect(tok.tokenOf(1996)).toBe('the');
    expect(tok.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches the training tokenisation on every SST-2 dev sentence, word by word', async () => {
    const tok = await loadTokenizer(BERT_DIR);
    const ref = JSON.parse(readFileSync(join(BERT_DIR, 'dev-token-ids.json'), 'utf8')) as {
      sentences: string[];
      ids: number[][];
    };
    const dev = readSentenceFile(DEV_TSV);
    expect(dev.sentences.length).toBe(872);
    expect(ref.ids.length).toBe(872);
    for (const [k, s] of dev.sentences.entries()) {
      expect(s.text).toBe(ref.sentences[k]);
      const t = tokenizeWords(tok, s.text, s.where);
      // tokenizeWords itself checks that the words' pieces concatenate to the full encoding.
      expect(t.ids, s.where).toEqual(ref.ids[k]);
      expect(t.wordSpans.length).toBe(t.words.length);
      expect(t.wordOfToken[0]).toBe(-1);
      expect(t.wordOfToken[t.ids.length - 1]).toBe(-1);
    }
  });

  it('keeps all word-pieces of a word in one span', async () => {
    const tok = await loadTokenizer(BERT_DIR);
    const t = tokenizeWords(tok, 'unflinchingly bleak and desperate ', 'x');
    expect(t.words).toEqual(['unflinchingly', 'bleak', 'and', 'desperate']);
    expect(t.tokens.slice(1, 6)).toEqual(['un', '##fl', '##in', '##ching', '##ly']);
    expect(t.wordSpans).toEqual([
      [1, 6],
      [6, 7],
      [7, 8],
      [8, 9],
    ]);
  });

  it('refuses an empty sentence naming the input', async () => {
    const tok = await loadTokenizer(BERT_DIR);
    expect(() => tokenizeWords(tok, '   ', '--sentence')).toThrow(/--sentence: the sentence is empty/);
  });

  it('refuses a model folder without a tokenizer, naming --model', async () => {
    const t = tempDir('nlp-tok-');
    try {
      expect(() => textModelFolder(t.dir)).toThrow(OrderlensInputError);
      expect(() => textModelFolder(t.dir)).toThrow(/--model: .* has no tokenizer\.json/);
      writeFileSync(join(t.dir, 'tokenizer.json'), readFileSync(join(BERT_DIR, 'tokenizer.json')));
      await expect(loadTokenizer(t.dir)).rejects.toThrow(/--model: .* has no tokenizer_config\.json/);
    } finally {
      t.cleanup();
    }
  });

  it('finds the HF layout folder from the onnx/ folder and the model file in it', () => {
    const t = tempDir('nlp-tok-');
    try {
      copyTokenizer(t.dir);
      mkdirSync(join(t.dir, 'onnx'));
      expect(textModelFolder(join(t.dir, 'onnx'))).toBe(t.dir);
      expect(() => textModelFile(t.dir)).toThrow(/neither onnx\/model\.onnx nor model\.onnx/);
      writeFileSync(join(t.dir, 'model.onnx'), 'x');
      expect(textModelFile(t.dir)).toMatch(/model\.onnx$/);
    } finally {
      t.cleanup();
    }
  });

  it('builds only tokenizer classes: another class named in tokenizer_config.json falls back to the base tokenizer', async () => {
    const t = tempDir('nlp-tok-');
    try {
      copyTokenizer(t.dir, (c) => (c.tokenizer_class = 'AutoModel'));
      const tok = await loadTokenizer(t.dir);
      const ref = await loadTokenizer(BERT_DIR);
      expect(tok.encode('a charming journey', true)).toEqual(ref.encode('a charming journey', true));
    } finally {
      t.cleanup();
    }
  });

  it('refuses tokenizer files that are symlinks out of the model folder', async () => {
    const outside = tempDir('nlp-out-');
    const t = tempDir('nlp-tok-');
    try {
      copyTokenizer(outside.dir);
      symlinkSync(join(outside.dir, 'tokenizer.json'), join(t.dir, 'tokenizer.json'));
      writeFileSync(
        join(t.dir, 'tokenizer_config.json'),
        readFileSync(join(outside.dir, 'tokenizer_config.json')),
      );
      await expect(loadTokenizer(t.dir)).rejects.toThrow(/outside the model folder/);
    } finally {
      t.cleanup();
      outside.cleanup();
    }
  });

  it('refuses a tokenizer whose words cannot be aligned with its whole-sentence encoding', async () => {
    const tok = await loadTokenizer(BERT_DIR);
    // A tokenizer that encodes the sentence differently from its words (as byte-level BPE does).
    const odd = {
      ...tok,
      encode: (text: string, special: boolean) =>
        text.includes(' ') ? [101, 5, 102] : tok.encode(text, special),
    };
    expect(() => tokenizeWords(odd, 'good film', '--sentence')).toThrow(
      /--sentence: the tokens of the words one at a time/,
    );
  });
});
