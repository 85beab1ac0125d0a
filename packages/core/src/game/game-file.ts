import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import { MAX_PLAYERS } from '../coalition/coalition-batch.js';
import { OrderlensInputError } from '../errors/errors.js';
import { readInputText } from '../files/read-input.js';
import type { Game } from './game.js';
import { MAX_TABLE_PLAYERS, TableGame } from './table-game.js';
import { UnanimityGame, type UnanimityTerm } from './unanimity-game.js';

/**
 * A game given by its full table: `values[mask] = v(S)`, bit `i` of `mask` set ⇔ player `i ∈ S`
 * (so `values[0] = v(∅)` and `values[2^n − 1] = v(N)`).
 */
export interface TableGameFile {
  readonly n: number;
  readonly values: number[];
  readonly name?: string;
  readonly description?: string;
}

/** A sum of unanimity games `v(S) = v0 + Σ_T value_T · 1(T ⊆ S)`, usable at any `n`. */
export interface UnanimityGameFile {
  readonly n: number;
  readonly v0?: number;
  readonly terms: Array<{ players: number[]; value: number }>;
  readonly name?: string;
  readonly description?: string;
}

/** Contents of a game file (JSON). */
export type GameFile = TableGameFile | UnanimityGameFile;

/** A parsed game file. */
export interface LoadedGame {
  readonly game: TableGame | UnanimityGame;
  readonly kind: 'table' | 'unanimity';
  readonly name?: string;
  /** The path it was read from (as given). */
  readonly path: string;
}

const TABLE_KEYS = ['n', 'values', 'name', 'description'];
const UNANIMITY_KEYS = ['n', 'v0', 'terms', 'name', 'description'];
const TERM_KEYS = ['players', 'value'];

/** Reads and validates a game file; errors name the field and the file. */
export function loadGameFile(path: string, field = 'game'): LoadedGame {
  return parseGameFile(readInputText(path, field), path, field);
}

/** Parses and validates the JSON text of a game file (`source` names it in messages). */
export function parseGameFile(text: string, source: string, field = 'game'): LoadedGame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new OrderlensInputError(field, `${source} is not valid JSON: ${(e as Error).message}`);
  }
  const where = ` (in ${source})`;
  const fail = (f: string, message: string): never => {
    throw new OrderlensInputError(f, message + where);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    fail(field, 'expected a JSON object like {"n": 3, "values": [...]} or {"n": 3, "terms": [...]}');
  }
  const obj = json as Record<string, unknown>;
  if (!('n' in obj)) fail('n', 'missing: the number of players is required');
  const n = obj.n;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    fail('n', `expected a non-negative integer, got ${JSON.stringify(n)}`);
  // Before anything is sized by n: n = 1e9 would otherwise abort V8 on an impossible allocation.
  if ((n as number) > MAX_PLAYERS)
    fail('n', `${n as number} players exceed the limit of ${MAX_PLAYERS} (2^20) that orderlens accepts`);
  const name = optionalString(obj, 'name', fail);
  optionalString(obj, 'description', fail);
  const hasValues = 'values' in obj;
  const hasTerms = 'terms' in obj;
  if (hasValues && hasTerms)
    fail('values', 'a game file has either "values" (a table) or "terms" (unanimity terms), not both');
  if (!hasValues && !hasTerms)
    fail('values', 'missing: give "values" (a table of 2^n numbers) or "terms" (unanimity terms)');
  checkKeys(obj, hasValues ? TABLE_KEYS : UNANIMITY_KEYS, '', fail);

  if (hasValues) {
    const nn = n as number;
    if (nn > MAX_TABLE_PLAYERS)
      fail(
        'n',
        `a table game holds 2^n values; n = ${nn} exceeds the limit of ${MAX_TABLE_PLAYERS} (use "terms" for large games)`,
      );
    const values = obj.values;
    if (!Array.isArray(values))
      fail('values', `expected an array of 2^n = ${2 ** nn} numbers, got ${typeName(values)}`);
    const arr = values as unknown[];
    if (arr.length !== 2 ** nn)
      fail('values', `expected 2^n = ${2 ** nn} entries for n = ${nn}, got ${arr.length}`);
    arr.forEach((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`values[${k}]`, `expected a finite number, got ${describe(v)}`);
    });
    return { game: new TableGame(nn, arr as number[]), kind: 'table', name, path: source };
  }

  const nn = n as number;
  let v0 = 0;
  if ('v0' in obj) {
    if (typeof obj.v0 !== 'number' || !Number.isFinite(obj.v0))
      fail('v0', `expected a finite number, got ${describe(obj.v0)}`);
    v0 = obj.v0 as number;
  }
  if (!Array.isArray(obj.terms))
    fail('terms', `expected an array of {"players": [...], "value": x}, got ${typeName(obj.terms)}`);
  const terms: UnanimityTerm[] = (obj.terms as unknown[]).map((t, k) => {
    const f = `terms[${k}]`;
    if (t === null || typeof t !== 'object' || Array.isArray(t))
      fail(f, `expected an object {"players": [...], "value": x}, got ${typeName(t)}`);
    const term = t as Record<string, unknown>;
    checkKeys(term, TERM_KEYS, `${f}.`, fail);
    if (!Array.isArray(term.players))
      fail(`${f}.players`, `expected an array of player indices, got ${typeName(term.players)}`);
    const players = term.players as unknown[];
    if (players.length === 0) fail(`${f}.players`, 'expected at least one player (put a constant in "v0")');
    const seen = new Set<number>();
    players.forEach((p, q) => {
      if (typeof p !== 'number' || !Number.isInteger(p))
        fail(`${f}.players[${q}]`, `expected an integer player index, got ${describe(p)}`);
      const i = p as number;
      if (i < 0 || i >= nn) fail(`${f}.players[${q}]`, `player index ${i} out of range [0, ${nn})`);
      if (seen.has(i)) fail(`${f}.players[${q}]`, `player ${i} listed twice`);
      seen.add(i);
    });
    if (!('value' in term)) fail(`${f}.value`, 'missing');
    if (typeof term.value !== 'number' || !Number.isFinite(term.value))
      fail(`${f}.value`, `expected a finite number, got ${describe(term.value)}`);
    return { players: players as number[], value: term.value as number };
  });
  return { game: new UnanimityGame(nn, v0, terms), kind: 'unanimity', name, path: source };
}

function checkKeys(
  obj: Record<string, unknown>,
  allowed: string[],
  prefix: string,
  fail: (f: string, m: string) => never,
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${prefix}${key}`, `unknown key (allowed here: ${allowed.join(', ')})`);
  }
}

function optionalString(
  obj: Record<string, unknown>,
  key: string,
  fail: (f: string, m: string) => never,
): string | undefined {
  if (!(key in obj)) return undefined;
  if (typeof obj[key] !== 'string') fail(key, `expected a string, got ${typeName(obj[key])}`);
  return obj[key] as string;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function describe(v: unknown): string {
  if (typeof v === 'number') return String(v); // Infinity from 1e999 etc.
  return JSON.stringify(v) ?? String(v);
}

/**
 * Wraps a game whose `evaluate` never waits (tables, unanimity games) so that it yields to the
 * event loop every `intervalMs`. Without it a long run is one unbroken chain of resolved
 * promises, and Ctrl-C (a macrotask) would only be seen after the whole run.
 */
export function yieldingGame(game: Game, intervalMs = 50): Game {
  let last = performance.now();
  return {
    n: game.n,
    get modelCalls() {
      return game.modelCalls;
    },
    async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
      const now = performance.now();
      if (now - last >= intervalMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        last = performance.now();
      }
      return game.evaluate(batch);
    },
  };
}
