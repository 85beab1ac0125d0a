import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '@orderlens/core';
import {
  parseChoice,
  parseFloatList,
  parseFloatOption,
  parseInteger,
  parseIntegerList,
  parsePairList,
  parseSeed,
} from './options.js';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OrderlensInputError);
    return (e as OrderlensInputError).field;
  }
  throw new Error('expected an OrderlensInputError');
}

describe('option parsers', () => {
  it('parses integers strictly and names the option', () => {
    expect(parseInteger('12', '--k')).toBe(12);
    expect(parseInteger(' -3 ', '--k')).toBe(-3);
    for (const bad of ['1.5', '1e3', '', 'abc', '12abc'])
      expect(fieldOf(() => parseInteger(bad, '--contexts'))).toBe('--contexts');
    expect(() => parseInteger('0', '--contexts', { min: 1 })).toThrow(
      /--contexts: expected an integer ≥ 1, got "0"/,
    );
    expect(() => parseInteger('99999999999999999999', '--k')).toThrow(/out of range/);
  });

  it('parses floats and bounds', () => {
    expect(parseFloatOption('.25', '--eps')).toBe(0.25);
    expect(parseFloatOption('1e-3', '--eps')).toBe(0.001);
    expect(() => parseFloatOption('nan', '--eps')).toThrow(/--eps: expected a finite number/);
    expect(() => parseFloatOption('', '--eps')).toThrow(/--eps/);
    expect(() => parseFloatOption('0', '--eps', { greaterThan: 0 })).toThrow(/> 0/);
  });

  it('parses lists, naming the failing element', () => {
    expect(parseIntegerList('1, 2,8', '--layers')).toEqual([1, 2, 8]);
    expect(parseFloatList('0,0.05,1', '--ratios')).toEqual([0, 0.05, 1]);
    expect(fieldOf(() => parseIntegerList('1,x,3', '--layers'))).toBe('--layers[1]');
    expect(fieldOf(() => parseFloatList(' , ', '--ratios'))).toBe('--ratios');
  });

  it('parses pair lists', () => {
    expect(parsePairList('0-1,3-7', '--pairs')).toEqual([
      [0, 1],
      [3, 7],
    ]);
    expect(parsePairList('5:2', '--pairs', 8)).toEqual([[5, 2]]);
    expect(() => parsePairList('0-1,3', '--pairs')).toThrow(
      /--pairs\[1\]: expected a pair like "3-7", got "3"/,
    );
    expect(() => parsePairList('0-9', '--pairs', 8)).toThrow(
      /--pairs\[0\]: player index out of range \[0, 8\)/,
    );
    expect(() => parsePairList('2-2', '--pairs')).toThrow(/two different players/);
    expect(() => parsePairList('1-2,2-1', '--pairs')).toThrow(/--pairs\[1\]: duplicate pair/);
  });

  it('parses choices and seeds', () => {
    expect(parseChoice('shared', '--mode', ['reference', 'shared'])).toBe('shared');
    expect(() => parseChoice('x', '--mode', ['reference', 'shared'])).toThrow(
      /--mode: expected one of reference, shared, got "x"/,
    );
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('run-a')).toBe('run-a');
    expect(() => parseSeed('  ')).toThrow(/--seed/);
  });
});
