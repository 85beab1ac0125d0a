import { OrderlensInputError } from '../errors/errors.js';
import type { InteractionResult, SampleResult } from './interaction-result.js';

/**
 * Refuses a result document whose declared sizes disagree with its contents: `n` against every
 * sample's players, each players descriptor against its own lists, the orders against `n`, and
 * every per-order, per-pair and per-player array against the counts it is indexed by.
 *
 * The schema checks types only; a result made by another program (or edited) could declare
 * `n = 1e9` over samples of 16 players, and whatever reads it (plots, reports, the theory curve
 * sized by `n`) would then index past its arrays or allocate for a billion players. Errors name
 * the file and the field.
 */
export function checkResultSizes(r: InteractionResult, source: string): void {
  const fail = (field: string, message: string): never => {
    throw new OrderlensInputError(`${source}${field}`, `not a consistent result: ${message}`);
  };
  if (r.n < 1) fail('.n', `expected at least 1 player, got ${r.n}`);
  if (r.samples.length === 0) fail('.samples', 'holds no samples');
  if (r.ratios.length !== r.orders.length)
    fail('.ratios', `has ${r.ratios.length} entries for ${r.orders.length} orders`);
  r.orders.forEach((m, k) => {
    if (m < 0 || m > r.n) fail(`.orders[${k}]`, `order ${m} is outside 0 … n = ${r.n}`);
  });
  r.samples.forEach((s, k) => checkSample(s, r, `.samples[${k}]`, fail));
  const a = r.aggregate;
  for (const [field, list] of [
    ['.aggregate.strength.J', a.strength.J],
    ['.aggregate.strengthPerSample.J', a.strengthPerSample.J],
    ['.aggregate.raw', a.raw],
  ] as const)
    if (list.length !== r.orders.length)
      fail(field, `has ${list.length} values for ${r.orders.length} orders`);
}

function checkSample(
  s: SampleResult,
  r: InteractionResult,
  at: string,
  fail: (field: string, message: string) => never,
): void {
  const n = r.n;
  const p = s.players;
  if (p.n !== n) fail('.n', `declares n = ${n}, but samples${at.slice(8)} (${s.id}) has ${p.n} players`);
  const count = (field: string, length: number, what: string) => {
    if (length !== n) fail(`${at}.${field}`, `has ${length} ${what} for n = ${n} players`);
  };
  switch (p.kind) {
    case 'grid':
    case 'feature-map': {
      const cells = p.kind === 'grid' && p.cells ? p.cells.length : p.rows * p.cols;
      count(
        p.kind === 'grid' && p.cells ? 'players.cells' : 'players',
        cells,
        `grid cells (${p.rows} × ${p.cols})`,
      );
      break;
    }
    case 'words':
      count('players.words', p.words.length, 'words');
      count('players.tokenSpans', p.tokenSpans.length, 'token spans');
      break;
    case 'regions':
      count('players.centroids', p.centroids.length, 'centroids');
      count('players.pointIndices', p.pointIndices.length, 'point lists');
      if (p.anchors) count('players.anchors', p.anchors.length, 'anchors');
      break;
    case 'attributes':
      count('players.names', p.names.length, 'names');
      if (p.values) count('players.values', p.values.length, 'values');
      break;
    case 'generic':
      if (p.names) count('players.names', p.names.length, 'names');
      break;
  }
  if (s.strength.length !== r.orders.length)
    fail(`${at}.strength`, `has ${s.strength.length} values for ${r.orders.length} orders`);
  const mo = s.multiOrder;
  if (mo) {
    if (mo.values.length !== mo.pairs.length)
      fail(`${at}.multiOrder.values`, `has ${mo.values.length} rows for ${mo.pairs.length} pairs`);
    mo.pairs.forEach(([i, j], q) => {
      if (i < 0 || j < 0 || i >= n || j >= n || i === j)
        fail(`${at}.multiOrder.pairs[${q}]`, `pair (${i}, ${j}) is not two distinct players of 0 … ${n - 1}`);
    });
    mo.values.forEach((row, q) => {
      if (row.length !== mo.orders.length)
        fail(`${at}.multiOrder.values[${q}]`, `has ${row.length} values for ${mo.orders.length} orders`);
    });
  }
  if (s.sii) {
    count('sii', s.sii.length, 'rows');
    s.sii.forEach((row, i) => count(`sii[${i}]`, row.length, 'columns'));
  }
  for (const key of ['shapley', 'banzhaf'] as const) {
    const v = s[key];
    if (v) count(key, v.length, 'values');
  }
  for (const key of ['harsanyi', 'or'] as const) {
    const v = s[key];
    // Kept only when asked for (`keepTables`); an estimate without OR values stores [].
    if (v && v.length > 0 && n <= 30 && v.length !== 2 ** n)
      fail(`${at}.${key}`, `has ${v.length} values; n = ${n} players have ${2 ** n} coalitions`);
  }
}
