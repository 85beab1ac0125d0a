import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrderlensInputError } from '../errors/errors.js';
import { ANALYSIS_SETTINGS } from '../analysis/analysis-settings.js';
import { ANALYSIS_SETTING_KEYS } from '../analysis/plan.js';
import {
  optionBlock,
  optionField,
  optionHelp,
  parseOptionBlock,
  parseSettingsBlock,
  settingsBlock,
} from './option-block.js';

const BLOCK = optionBlock({
  data: optionField(z.string().optional().describe('data folder'), { flag: '--data <dir>', path: true }),
  regions: optionField(z.number().int().min(2).max(64).default(30).describe('regions per cloud'), {
    flag: '--regions <k>',
  }),
  scale: optionField(z.number().optional().describe('pixel multiplier'), { flag: '--scale <s>' }),
  rule: optionField(z.enum(['random', 'largest']).default('random').describe('which regions play'), {
    flag: '--rule <rule>',
  }),
  mean: optionField(z.array(z.number()).optional().describe('normalisation mean'), {
    flag: '--mean <v,v,v>',
  }),
  sentence: optionField(z.array(z.string()).optional().describe('a sentence (repeatable)'), {
    flag: '--sentence <text>',
  }),
  normalize: optionField(z.boolean().default(true).describe('do not normalise'), { flag: '--no-normalize' }),
  heatmaps: optionField(z.number().int().min(0).default(3).describe('heat maps'), {
    flag: '--heatmaps <k>',
    affectsResult: false,
  }),
});

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    // The message repeats the field (`--regions: expected …`); the part after it is compared.
    if (e instanceof OrderlensInputError) return `${e.field} | ${e.message.slice(e.field.length + 2)}`;
    throw e;
  }
  throw new Error('expected an OrderlensInputError');
}

describe('option blocks', () => {
  it('derive each descriptor from the schema: type, range, choices, default, help', () => {
    expect(BLOCK.descriptors).toEqual([
      { key: 'data', flag: '--data <dir>', path: true, description: 'data folder', type: 'string' },
      {
        key: 'regions',
        flag: '--regions <k>',
        description: 'regions per cloud',
        type: 'integer',
        min: 2,
        max: 64,
        default: 30,
      },
      { key: 'scale', flag: '--scale <s>', description: 'pixel multiplier', type: 'number' },
      {
        key: 'rule',
        flag: '--rule <rule>',
        description: 'which regions play',
        type: 'string',
        choices: ['random', 'largest'],
        default: 'random',
      },
      { key: 'mean', flag: '--mean <v,v,v>', description: 'normalisation mean', type: 'list' },
      { key: 'sentence', flag: '--sentence <text>', description: 'a sentence (repeatable)', type: 'strings' },
      {
        key: 'normalize',
        flag: '--no-normalize',
        description: 'do not normalise',
        type: 'boolean',
        default: true,
      },
      {
        key: 'heatmaps',
        flag: '--heatmaps <k>',
        affectsResult: false,
        description: 'heat maps',
        type: 'integer',
        min: 0,
        default: 3,
      },
    ]);
    const regions = BLOCK.descriptors.find((d) => d.key === 'regions')!;
    expect(optionHelp(regions)).toBe('regions per cloud (default 30)');
  });

  it('read command-line text and study values alike, defaults filled by the schema', () => {
    const cli = parseOptionBlock(BLOCK, {
      regions: '12',
      scale: '0.5',
      mean: '0.1, 0.2,0.3',
      sentence: 'a b',
    });
    const study = parseOptionBlock(BLOCK, {
      regions: 12,
      scale: 0.5,
      mean: [0.1, 0.2, 0.3],
      sentence: ['a b'],
    });
    expect(cli).toEqual(study);
    expect(cli).toEqual({
      regions: 12,
      scale: 0.5,
      rule: 'random',
      mean: [0.1, 0.2, 0.3],
      sentence: ['a b'],
      normalize: true,
      heatmaps: 3,
    });
    // Parsing parsed options again gives them back (adapters re-read what a program passes).
    expect(parseOptionBlock(BLOCK, cli)).toEqual(cli);
  });

  it('refuse a bad value naming the flag, or the field a front end gives', () => {
    expect(fieldOf(() => parseOptionBlock(BLOCK, { regions: '1' }))).toBe(
      '--regions | expected at least 2, got 1',
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { regions: '65' }))).toBe(
      '--regions | expected at most 64, got 65',
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { regions: '2.5' }))).toBe(
      '--regions | expected an integer, got "2.5"',
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { rule: 'best' }))).toBe(
      '--rule | expected one of random, largest, got "best"',
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { mean: '0.1,,0.3' }))).toMatch(
      /^--mean \| expected a comma-separated list of numbers/,
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { normalize: 'yes' }))).toBe(
      '--no-normalize | expected true or false, got "yes"',
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { grid: '8' }))).toMatch(
      /^grid \| unknown option; expected one of data, regions/,
    );
    expect(fieldOf(() => parseOptionBlock(BLOCK, { regions: 1 }, (d) => `models[2].options.${d.key}`))).toBe(
      'models[2].options.regions | expected at least 2, got 1',
    );
  });

  it('check field rules the schema adds (refinements) under the field', () => {
    const block = optionBlock({
      words: optionField(
        z
          .string()
          .refine((w) => w === 'all' || Number(w) >= 2, { message: 'expected an integer ≥ 2 or "all"' })
          .default('10')
          .describe('players per sentence'),
        { flag: '--words <n|all>' },
      ),
    });
    expect(block.descriptors[0]).toMatchObject({ type: 'string', default: '10' });
    expect(fieldOf(() => parseOptionBlock(block, { words: 'many' }))).toBe(
      '--words | expected an integer ≥ 2 or "all", got "many"',
    );
  });

  it('refuse a field without description or flag when the block is declared', () => {
    expect(() => optionBlock({ a: optionField(z.string().optional(), { flag: '--a <x>' }) })).toThrow(
      /"a" has no description/,
    );
    expect(() => optionBlock({ a: z.string().optional().describe('a') })).toThrow(
      /declare it with optionField/,
    );
    expect(() =>
      optionBlock({ a: optionField(z.string().optional().describe('a'), { argument: '<x>' }) }),
    ).toThrow(/"a" has no flag/);
  });
});

describe('settings blocks', () => {
  it('name their fields by key, an item of a list by its index, and read text or numbers', () => {
    const block = settingsBlock({
      k: optionField(z.number().optional().describe('k'), { argument: '<k>' }),
    });
    expect(block.descriptors).toEqual([{ key: 'k', argument: '<k>', description: 'k' }]);
    expect(parseSettingsBlock(ANALYSIS_SETTINGS, { contexts: '12', ratios: '0, 0.5 1' })).toEqual({
      contexts: 12,
      ratios: [0, 0.5, 1],
    });
    expect(parseSettingsBlock(ANALYSIS_SETTINGS, { contexts: 12, ratios: [0, 0.5, 1] })).toEqual({
      contexts: 12,
      ratios: [0, 0.5, 1],
    });
    expect(fieldOf(() => parseSettingsBlock(ANALYSIS_SETTINGS, { contexts: '0' }))).toBe(
      'contexts | expected an integer ≥ 1, got "0"',
    );
    expect(
      fieldOf(() => parseSettingsBlock(ANALYSIS_SETTINGS, { maxPlayers: '99999999999999999999' })),
    ).toMatch(/^maxPlayers \| integer out of range/);
    expect(
      fieldOf(() => parseSettingsBlock(ANALYSIS_SETTINGS, { ratios: '0,2,x' }, (key) => `--${key}`)),
    ).toBe('--ratios[1] | expected a number ≥ 0 and ≤ 1, got "2"');
    expect(fieldOf(() => parseSettingsBlock(ANALYSIS_SETTINGS, { targetError: '-1' }))).toBe(
      'targetError | expected a positive number, got "-1"',
    );
  });

  it('the analysis settings schema has every setting key (estimator options come from study files only)', () => {
    expect([...Object.keys(ANALYSIS_SETTINGS.schema.shape), 'estimatorOptions'].sort()).toEqual(
      [...ANALYSIS_SETTING_KEYS].sort(),
    );
  });
});
