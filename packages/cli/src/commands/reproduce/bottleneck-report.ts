import type { InteractionResult } from '@orderlens/core';
import type { BottleneckNetwork } from '@orderlens/core/reproductions';
import type { BottleneckVerdict } from '@orderlens/core/theory';

/** One network's outcome: a measured curve with its verdict, or the reason it has none. */
export type BottleneckRow =
  | {
      readonly network: BottleneckNetwork;
      readonly status: 'done';
      readonly result: InteractionResult;
      readonly verdict: BottleneckVerdict;
    }
  | { readonly network: BottleneckNetwork; readonly status: 'failed'; readonly reason: string };

const pct = (x: number) => `${x >= 0 ? '' : '−'}${Math.abs(100 * x).toFixed(0)} %`;
const num = (x: number) => (Math.abs(x) >= 100 || Math.abs(x) < 0.01 ? x.toExponential(2) : x.toFixed(3));
const zText = (z: number | undefined) => (z === undefined ? '—' : z.toFixed(1));

/** How a result was measured: samples, players and the estimator's size, in words. */
export function describeProtocol(r: InteractionResult): string {
  const o = r.estimator.options;
  const pairs = r.pairs?.parameters.count;
  const ctx = o.contexts;
  const size =
    r.estimator.name === 'exact' ? 'exact' : `${pairs ?? '?'} pairs × ${String(ctx ?? '?')} contexts`;
  return `${r.samples.length} × ${size}`;
}

/** How far the middle lies from one end, in words ("35 % below the low end", "57 % above …"). */
function margin(x: number, end: string): string {
  return x >= 0 ? `${pct(x)} below the ${end} end` : `${pct(-x)} above the ${end} end`;
}

/**
 * The verdict in words: the shape, how far the middle lies from each end, and which margin is
 * within two standard errors (a U-shape there is not established by this run's samples).
 */
export function verdictText(v: BottleneckVerdict): string {
  const margins = `middle ${margin(v.midBelowLow, 'low')}, ${margin(v.midBelowHigh, 'high')}`;
  const weak = [
    ...(v.zLow !== undefined && v.zLow < 2 ? [`low end z = ${v.zLow.toFixed(1)}`] : []),
    ...(v.zHigh !== undefined && v.zHigh < 2 ? [`high end z = ${v.zHigh.toFixed(1)}`] : []),
  ];
  if (!v.holds) return `${v.shape}, no bottleneck: ${margins}`;
  return `U-shape: ${margins}${weak.length ? ` (within 2 se: ${weak.join(', ')})` : ''}`;
}

/** The table of every network (markdown), failed ones included with their reason. */
export function formatBottleneckTable(rows: readonly BottleneckRow[]): string {
  const head =
    '| network | modality | n | samples × protocol | J low (r ≤ 0.1) | J mid (0.4–0.6) | J high (r ≥ 0.9) | z low/high | fitted n′ | verdict |\n' +
    '|---|---|---|---|---|---|---|---|---|---|\n';
  const lines = rows.map((row) => {
    const id = `${row.network.id} (${row.network.what})`;
    if (row.status === 'failed')
      return `| ${id} | ${row.network.modality} | — | — | — | — | — | — | — | **failed**: ${row.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`;
    const { result: r, verdict: v } = row;
    const nEff = r.aggregate.theory.effectiveN;
    return (
      `| ${id} | ${row.network.modality} | ${r.n} | ${describeProtocol(r)} | ${num(v.low)} | ${num(v.mid)} | ${num(v.high)} | ` +
      `${zText(v.zLow)} / ${zText(v.zHigh)} | ${nEff ?? '—'}${nEff !== undefined ? (nEff < r.n ? ' < n' : ' ≥ n') : ''} | ${verdictText(v)} |`
    );
  });
  return head + lines.join('\n') + '\n';
}

/** The report page: settings, figure, table, failures. */
export function formatBottleneckReport(options: {
  readonly rows: readonly BottleneckRow[];
  readonly size: string;
  readonly seed: number;
  readonly command: string;
  readonly wallSeconds: number;
  readonly figure: string;
}): string {
  const { rows } = options;
  const done = rows.filter((r) => r.status === 'done');
  const failed = rows.filter((r) => r.status === 'failed');
  const holds = done.filter((r) => r.status === 'done' && r.verdict.holds).length;
  return [
    '# The representation bottleneck across the project’s networks',
    '',
    `\`${options.command}\` — size \`${options.size}\`, seed ${options.seed}, ${Math.round(options.wallSeconds)} s.`,
    '',
    'The claim (ICLR 2022 §3.1, Fig. 2; journal §4): `J(m)` is high at low orders (m ≤ 0.1n) and high orders ' +
      '(m ≥ 0.9n) and low near m = 0.5n, and the measured curve is matched by the theory `F̂` at some `n′ < n`. ' +
      '`J` is each network’s mean over samples normalised to mean 1 over the 13 ratios; a band’s value is the ' +
      'mean over its ratios; z is the distance of an end from the middle in standard errors (samples and ' +
      'contexts), where the result has them.',
    '',
    `**${holds} of ${done.length} measured networks show the U-shape**${failed.length ? `; ${failed.length} failed: ${failed.map((f) => f.network.id).join(', ')}` : ''}.`,
    '',
    `![J(m) of every network over the order ratio](${options.figure})`,
    '',
    formatBottleneckTable(rows),
  ].join('\n');
}
