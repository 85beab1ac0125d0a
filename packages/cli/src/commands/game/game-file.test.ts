import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../program.js';
import { tempDir } from '../../test-utils/tmp.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

/** Runs `exact` on a game file with the given text and returns the CLI outcome. */
async function exactOn(text: string) {
  const game = tmp.file('g.json', text);
  return runCli(['exact', '--game', game, '--out', tmp.file('r.json')]);
}

describe('game files: every bad input exits 2 naming the field', () => {
  const cases: Array<[string, string, RegExp]> = [
    [
      'wrong table length',
      '{"n": 2, "values": [0, 1, 2]}',
      /^error: values: expected 2\^n = 4 entries for n = 2, got 3 \(in .*g\.json\)\n$/,
    ],
    [
      'non-finite value',
      '{"n": 1, "values": [0, 1e999]}',
      /^error: values\[1\]: expected a finite number, got Infinity/,
    ],
    [
      'null value',
      '{"n": 1, "values": [null, 1]}',
      /^error: values\[0\]: expected a finite number, got null/,
    ],
    [
      'string value',
      '{"n": 1, "values": ["0", 1]}',
      /^error: values\[0\]: expected a finite number, got "0"/,
    ],
    ['missing n', '{"values": [1]}', /^error: n: missing: the number of players is required/],
    ['non-integer n', '{"n": 2.5, "values": []}', /^error: n: expected a non-negative integer, got 2.5/],
    [
      'table too large',
      '{"n": 40, "values": []}',
      /^error: n: a table game holds 2\^n values; n = 40 exceeds the limit/,
    ],
    [
      'unknown key',
      '{"n": 1, "values": [0, 1], "valeus": 3}',
      /^error: valeus: unknown key \(allowed here: n, values, name, description\)/,
    ],
    [
      'unknown term key',
      '{"n": 3, "terms": [{"players": [0], "value": 1, "weight": 2}]}',
      /^error: terms\[0\]\.weight: unknown key/,
    ],
    [
      'player out of range',
      '{"n": 3, "terms": [{"players": [0, 1], "value": 1}, {"players": [2, 3], "value": 1}]}',
      /^error: terms\[1\]\.players\[1\]: player index 3 out of range \[0, 3\)/,
    ],
    [
      'negative player',
      '{"n": 3, "terms": [{"players": [-1], "value": 1}]}',
      /^error: terms\[0\]\.players\[0\]: player index -1 out of range/,
    ],
    [
      'repeated player',
      '{"n": 3, "terms": [{"players": [1, 1], "value": 1}]}',
      /^error: terms\[0\]\.players\[1\]: player 1 listed twice/,
    ],
    [
      'empty term',
      '{"n": 3, "terms": [{"players": [], "value": 1}]}',
      /^error: terms\[0\]\.players: expected at least one player/,
    ],
    ['missing term value', '{"n": 3, "terms": [{"players": [0]}]}', /^error: terms\[0\]\.value: missing/],
    ['non-finite v0', '{"n": 3, "v0": "x", "terms": []}', /^error: v0: expected a finite number, got "x"/],
    [
      'both values and terms',
      '{"n": 1, "values": [0, 1], "terms": []}',
      /^error: values: a game file has either "values"/,
    ],
    ['neither values nor terms', '{"n": 1}', /^error: values: missing: give "values"/],
    ['not an object', '[1, 2]', /^error: --game: expected a JSON object/],
    ['corrupt JSON', '{"n": 2, "values": [0, 1,', /^error: --game: .*g\.json is not valid JSON: /],
  ];
  it.each(cases)('%s', async (_name, text, message) => {
    const r = await exactOn(text);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('a missing file names --game and the path', async () => {
    const r = await runCli(['exact', '--game', tmp.file('nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --game: no such file: .*nope\.json/);
  });
});
