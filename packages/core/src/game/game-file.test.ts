import { describe, expect, it } from 'vitest';
import { CoalitionBatch } from '../coalition/coalition-batch.js';
import { parseGameFile, yieldingGame } from './game-file.js';

describe('game files', () => {
  it('reads a table and a unanimity game, and refuses a bad one naming the field it was given', async () => {
    const table = parseGameFile('{"n": 2, "values": [0, 1, 2, 4]}', 'g.json');
    expect(table.kind).toBe('table');
    const u = parseGameFile('{"n": 3, "v0": 1, "terms": [{"players": [0, 2], "value": 5}]}', 'u.json');
    expect(u.kind).toBe('unanimity');
    const all = CoalitionBatch.fromMasks(3, [0b101, 0b011]);
    expect(Array.from(await yieldingGame(u.game, 0).evaluate(all))).toEqual([6, 1]);
    expect(() => parseGameFile('[1]', 'g.json')).toThrow(/^game: expected a JSON object/);
    expect(() => parseGameFile('{', 'g.json', '--game')).toThrow(/^--game: g\.json is not valid JSON/);
  });
});
