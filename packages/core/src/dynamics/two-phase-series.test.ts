import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ModalityAdapter } from '../adapter/modality-adapter.js';
import { optionBlock, optionField } from '../options/option-block.js';
import { tempDir } from '../testing/tmp.js';
import { readDynamicsResult } from './dynamics-result.js';
import { readTwoPhaseSeriesInfo, twoPhaseAdapterOptions } from './two-phase-series.js';

const tmp = tempDir('orderlens-two-phase-series-');
afterAll(() => tmp.cleanup());

/** A series folder whose index.json holds `text`. */
function series(name: string, text: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(dir);
  tmp.file(join(name, 'index.json'), text);
  return dir;
}

/** Only the options matter to the series' option reading. */
const textAdapter = {
  name: 'text',
  options: optionBlock({
    sentences: optionField(z.string().optional().describe('sentences'), {
      flag: '--sentences <file>',
      path: true,
    }),
    words: optionField(z.string().optional().describe('words'), { flag: '--words <k>' }),
    wordChoice: optionField(z.string().optional().describe('rule'), { flag: '--word-choice <rule>' }),
    shortSentences: optionField(z.string().optional().describe('rule'), { flag: '--short-sentences <rule>' }),
    playersSeed: optionField(z.number().int().optional().describe('seed'), { flag: '--players-seed <s>' }),
  }),
} as unknown as ModalityAdapter;

describe('two-phase series', () => {
  it('reads the series block of index.json (empty when there is none) and refuses a damaged one naming the field', () => {
    expect(readTwoPhaseSeriesInfo(tmp.dir, '--series')).toEqual({});
    const dir = series(
      'ok',
      JSON.stringify({ series: { modality: 'text', options: { sentences: 's.tsv' } } }),
    );
    expect(readTwoPhaseSeriesInfo(dir, '--series')).toEqual({
      modality: 'text',
      options: { sentences: 's.tsv' },
    });
    expect(() => readTwoPhaseSeriesInfo(series('bad-json', '{'), '--series')).toThrow(
      /^--series: .*is not valid JSON/,
    );
    expect(() => readTwoPhaseSeriesInfo(series('bad-block', '{"series": 3}'), '--series')).toThrow(
      /"series" must be an object/,
    );
    expect(() =>
      readTwoPhaseSeriesInfo(series('bad-modality', '{"series": {"modality": 1}}'), '--series'),
    ).toThrow(/"series.modality" must be a string/);
  });

  it("resolves the files a series names in its folder and sets the paper's players and their seed", () => {
    const dir = series('text', '{}');
    tmp.file(join('text', 'dev.tsv'), 'sentence\tlabel\n');
    const options = twoPhaseAdapterOptions(textAdapter, dir, { options: { sentences: 'dev.tsv' } }, 7);
    expect(options).toEqual({
      sentences: join(dir, 'dev.tsv'),
      wordChoice: 'random',
      words: '10',
      shortSentences: 'skip',
      playersSeed: 7,
    });
    // A value that is no file in the folder (a dataset name) is passed on as written.
    expect(
      twoPhaseAdapterOptions(textAdapter, dir, { options: { sentences: 'sst2:dev' } }, 0).sentences,
    ).toBe('sst2:dev');
  });

  it('reads a dynamics.json naming the field when the file is missing or no JSON', () => {
    expect(() => readDynamicsResult(join(tmp.dir, 'none.json'), '--from-dynamics')).toThrow(
      /^--from-dynamics: no such file/,
    );
    expect(() => readDynamicsResult(tmp.file('broken.json', '[1,'), '--from-dynamics')).toThrow(
      /^--from-dynamics: .*broken.json is not valid JSON/,
    );
  });
});
