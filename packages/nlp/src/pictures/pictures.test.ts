import { describe, expect, it } from 'vitest';
import type { SampleResult, WordPlayers } from '@orderlens/core';
import { arcSourceLabel, arcValues, parseArcSource, wordArcsSvg } from './word-arcs.js';

const players: WordPlayers = {
  kind: 'words',
  n: 3,
  text: 'a <charming> , often dull film ',
  words: ['<charming>', 'dull', 'film'],
  tokenSpans: [
    [2, 5],
    [7, 8],
    [8, 9],
  ],
};

describe('word arcs', () => {
  it('draws the strongest pairs, red for positive and blue for negative, width by strength', () => {
    const svg = wordArcsSvg(
      players,
      [
        { i: 0, j: 1, value: 2 },
        { i: 0, j: 2, value: -1 },
        { i: 1, j: 2, value: 0.1 },
      ],
      { top: 2, title: 'dev-0' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const paths = [...svg.matchAll(/<path [^>]*stroke="(#[0-9a-f]+)" stroke-width="([\d.]+)"/g)];
    expect(paths.length).toBe(2);
    // Weakest drawn first: the negative arc, then the strongest positive one.
    expect(paths.map((p) => p[1])).toEqual(['#1565c0', '#c62828']);
    expect(Number(paths[1][2])).toBeGreaterThan(Number(paths[0][2]));
    expect(svg).toContain('&lt;charming&gt;');
    expect(svg).not.toContain('<charming>');
    expect(svg.match(/font-weight="bold"/g)?.length).toBe(3);
  });

  it('reads SII or one order of a sample, with clear errors', () => {
    const sample = {
      id: 's',
      index: 0,
      label: 1,
      players,
      strength: [1],
      modelCalls: 0,
      sii: [
        [0, 1, 2],
        [1, 0, 3],
        [2, 3, 0],
      ],
      multiOrder: { orders: [0, 1], pairs: [[0, 1]], values: [[5, 6]] },
    } as SampleResult;
    expect(arcValues(sample, parseArcSource('sii'))).toEqual([
      { i: 0, j: 1, value: 1 },
      { i: 0, j: 2, value: 2 },
      { i: 1, j: 2, value: 3 },
    ]);
    expect(arcValues(sample, parseArcSource('order:1'))).toEqual([{ i: 0, j: 1, value: 6 }]);
    expect(() => arcValues(sample, parseArcSource('order:4'))).toThrow(/--arcs: order 4 was not computed/);
    expect(() => arcValues({ ...sample, sii: undefined }, parseArcSource('sii'))).toThrow(
      /--arcs: sample s has no pairwise SII/,
    );
    expect(() => parseArcSource('strong')).toThrow(/--arcs: expected auto, sii, mean or order:<m>/);
    // auto: SII where the sample has it, else the mean of I^(m) over its orders.
    expect(arcValues(sample, parseArcSource('auto'))).toEqual(arcValues(sample, parseArcSource('sii')));
    expect(arcValues({ ...sample, sii: undefined }, parseArcSource('auto'))).toEqual([
      { i: 0, j: 1, value: 5.5 },
    ]);
    expect(arcValues(sample, parseArcSource('mean'))).toEqual([{ i: 0, j: 1, value: 5.5 }]);
    expect(arcSourceLabel({ ...sample, sii: undefined }, parseArcSource('auto'))).toBe(
      'mean of I^(m)(i,j) over m = 0, 1',
    );
    expect(arcSourceLabel(sample, parseArcSource('auto'))).toBe('pairwise SII');
  });
});
