import { OrderlensInputError, requireInput, type SampleResult, type WordPlayers } from '@orderlens/core';

/** One arc: a pair of players and its interaction. */
export interface WordArc {
  readonly i: number;
  readonly j: number;
  readonly value: number;
}

/** Options of {@link wordArcsSvg}. */
export interface WordArcsOptions {
  /** Arcs drawn: the `top` pairs of largest `|value|` (default 10). */
  readonly top?: number;
  /** Title line above the sentence. */
  readonly title?: string;
  /**
   * Index, among the whitespace words of `players.text`, of each player's word. Default: the
   * player words matched in reading order (right whenever players are taken in reading order).
   */
  readonly wordIndex?: readonly number[];
}

/**
 * Which interactions the arcs show (`--arcs`): pairwise SII; `I^(m)` at a reported order; the
 * mean of `I^(m)` over the reported orders (SII itself when every order 0 … n−2 was computed,
 * since SII(i,j) = (1/(n−1)) Σ_m I^(m)(i,j)); or `auto`, SII where the sample has it (exact
 * protocol) and the mean otherwise, so the default picture works under every protocol.
 */
export type ArcSource =
  | { readonly kind: 'auto' }
  | { readonly kind: 'sii' }
  | { readonly kind: 'mean' }
  | { readonly kind: 'order'; readonly order: number };

/** Parses `--arcs`: `auto`, `sii`, `mean` or `order:<m>`. */
export function parseArcSource(spec: string, field = '--arcs'): ArcSource {
  if (spec === 'auto' || spec === 'sii' || spec === 'mean') return { kind: spec };
  const m = /^order:(\d+)$/.exec(spec);
  if (!m) throw new OrderlensInputError(field, `expected auto, sii, mean or order:<m>, got "${spec}"`);
  return { kind: 'order', order: Number(m[1]) };
}

/** What `auto` is for one sample: `sii` when it has it, else `mean`. */
export function resolveArcSource(
  sample: SampleResult,
  source: ArcSource,
): Exclude<ArcSource, { kind: 'auto' }> {
  if (source.kind !== 'auto') return source;
  return sample.sii !== undefined ? { kind: 'sii' } : { kind: 'mean' };
}

/** A short name of the arcs' values, for the picture's title. */
export function arcSourceLabel(sample: SampleResult, source: ArcSource): string {
  const s = resolveArcSource(sample, source);
  if (s.kind === 'sii') return 'pairwise SII';
  if (s.kind === 'order') return `I^(${s.order})(i,j)`;
  const orders = sample.multiOrder?.orders ?? [];
  return `mean of I^(m)(i,j) over m = ${orders.join(', ')}`;
}

/**
 * The pair values of one sample for the arcs: its pairwise Shapley interaction (`sii`, what the
 * exact estimator gives), its `I^(m)(i,j)` at order `m`, or their mean over the reported orders
 * (any estimator with a multi-order table). A sample without them is an input error naming
 * `field`.
 */
export function arcValues(sample: SampleResult, source: ArcSource, field = '--arcs'): WordArc[] {
  const out: WordArc[] = [];
  const resolved = resolveArcSource(sample, source);
  if (resolved.kind === 'sii') {
    requireInput(
      sample.sii !== undefined,
      field,
      `sample ${sample.id} has no pairwise SII (only the exact estimator gives it); use --arcs auto, mean or order:<m>`,
    );
    const n = sample.players.n;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push({ i, j, value: sample.sii[i][j] });
    return out;
  }
  const mo = sample.multiOrder;
  requireInput(mo !== undefined, field, `sample ${sample.id} has no multi-order interactions`);
  if (resolved.kind === 'mean') {
    requireInput(mo.orders.length > 0, field, `sample ${sample.id} has no computed orders`);
    mo.pairs.forEach(([i, j], p) =>
      out.push({ i, j, value: mo.values[p].reduce((a, v) => a + v, 0) / mo.orders.length }),
    );
    return out;
  }
  const k = mo.orders.indexOf(resolved.order);
  requireInput(
    k >= 0,
    field,
    `order ${resolved.order} was not computed; the result has orders ${mo.orders.join(', ')}`,
  );
  mo.pairs.forEach(([i, j], p) => out.push({ i, j, value: mo.values[p][k] }));
  return out;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const POSITIVE = '#c62828';
const NEGATIVE = '#1565c0';

/**
 * A standalone SVG of a sentence with arcs between its player words for the strongest pairwise
 * interactions: red for positive, blue for negative, stroke width and opacity growing with
 * `|value|` relative to the strongest arc drawn. Player words are bold; other words are grey.
 * Arc height grows with the distance of the two words, so nested arcs stay apart.
 */
export function wordArcsSvg(
  players: WordPlayers,
  arcs: readonly WordArc[],
  options: WordArcsOptions = {},
): string {
  const top = options.top ?? 10;
  requireInput(Number.isInteger(top) && top > 0, 'top', `expected a positive integer, got ${top}`);
  const words = players.text.split(/\s+/u).filter((w) => w.length > 0);
  const index = options.wordIndex ?? matchInOrder(words, players.words);
  requireInput(index.length === players.n, 'wordIndex', `expected ${players.n} indices, got ${index.length}`);
  const charW = 8.2;
  const gap = 10;
  const margin = 20;
  const xs: number[] = [];
  let x = margin;
  for (const w of words) {
    const wd = Math.max(10, [...w].length * charW);
    xs.push(x + wd / 2);
    x += wd + gap;
  }
  const width = Math.max(320, x - gap + margin);
  const chosen = [...arcs]
    .filter((a) => Number.isFinite(a.value) && a.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || a.i - b.i || a.j - b.j)
    .slice(0, top);
  const maxAbs = chosen.length > 0 ? Math.abs(chosen[0].value) : 1;
  const span = (a: WordArc) => Math.abs(xs[index[a.j]] - xs[index[a.i]]);
  const maxSpan = Math.max(1, ...chosen.map(span));
  const arcTop = 30 + (options.title ? 22 : 0);
  const maxH = Math.min(180, 40 + maxSpan * 0.35);
  const baseY = arcTop + maxH + 10;
  const height = baseY + 54;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(0)} ${height.toFixed(0)}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (options.title)
    parts.push(
      `<text x="${margin}" y="24" font-family="${FONT}" font-size="14" fill="#222">${esc(options.title)}</text>`,
    );
  // Weakest first, so the strongest arcs are drawn on top.
  for (const a of [...chosen].reverse()) {
    const x1 = xs[index[a.i]];
    const x2 = xs[index[a.j]];
    const h = 20 + (maxH - 20) * (span(a) / maxSpan);
    const r = Math.abs(a.value) / maxAbs;
    const y = baseY - 18;
    parts.push(
      `<path d="M ${x1.toFixed(1)} ${y} C ${x1.toFixed(1)} ${(y - h).toFixed(1)}, ${x2.toFixed(1)} ${(y - h).toFixed(1)}, ${x2.toFixed(1)} ${y}" fill="none" stroke="${a.value > 0 ? POSITIVE : NEGATIVE}" stroke-width="${(1 + 7 * r).toFixed(2)}" stroke-opacity="${(0.35 + 0.6 * r).toFixed(2)}" stroke-linecap="round"><title>${esc(`${players.words[a.i]} – ${players.words[a.j]}: ${a.value.toPrecision(4)}`)}</title></path>`,
    );
  }
  const isPlayer = new Set(index);
  words.forEach((w, k) => {
    const p = isPlayer.has(k);
    parts.push(
      `<text x="${xs[k].toFixed(1)}" y="${baseY}" text-anchor="middle" font-family="${FONT}" font-size="14"${p ? ' font-weight="bold" fill="#111"' : ' fill="#999"'}>${esc(w)}</text>`,
    );
  });
  const legendY = baseY + 34;
  parts.push(
    `<line x1="${margin}" y1="${legendY - 4}" x2="${margin + 24}" y2="${legendY - 4}" stroke="${POSITIVE}" stroke-width="4"/>`,
    `<text x="${margin + 30}" y="${legendY}" font-family="${FONT}" font-size="11" fill="#444">positive</text>`,
    `<line x1="${margin + 96}" y1="${legendY - 4}" x2="${margin + 120}" y2="${legendY - 4}" stroke="${NEGATIVE}" stroke-width="4"/>`,
    `<text x="${margin + 126}" y="${legendY}" font-family="${FONT}" font-size="11" fill="#444">negative</text>`,
    `<text x="${margin + 200}" y="${legendY}" font-family="${FONT}" font-size="11" fill="#444">width ∝ |value|, strongest ${esc(maxAbs.toPrecision(3))}</text>`,
    '</svg>',
  );
  return parts.join('\n') + '\n';
}

/** Positions of `targets` among `words`, matched in reading order. */
function matchInOrder(words: readonly string[], targets: readonly string[]): number[] {
  const out: number[] = [];
  let k = 0;
  for (const t of targets) {
    while (k < words.length && words[k] !== t) k++;
    requireInput(k < words.length, 'players', `player word "${t}" is not in the sentence`);
    out.push(k++);
  }
  return out;
}
