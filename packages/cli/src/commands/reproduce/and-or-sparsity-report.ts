import {
  AND_OR_SPARSE_MAX_FRACTION,
  AND_OR_SPARSE_MAX_REBUILD_ERROR,
  type AndOrPreset,
} from '@orderlens/core/math';
import type { AndOrPresetRow, BottleneckNetwork } from '@orderlens/core/reproductions';

/** One network's outcome: both presets' summaries, or the reason it has none. */
export type AndOrSparsityRow =
  | {
      readonly network: BottleneckNetwork;
      readonly status: 'done';
      readonly n: number;
      readonly reward: string;
      readonly presets: readonly AndOrPresetRow[];
    }
  | { readonly network: BottleneckNetwork; readonly status: 'failed'; readonly reason: string };

const f3 = (x: number) => x.toFixed(3);
const range = (s: { mean: number; min: number; max: number }, f: (x: number) => string) =>
  `${f(s.mean)} (${f(s.min)}–${f(s.max)})`;

/** The table of every network and preset (markdown), failed networks included with their reason. */
export function formatAndOrSparsityTable(rows: readonly AndOrSparsityRow[]): string {
  const head =
    '| network | n | samples | preset | salient (mean, range) | of the terms | salient share of L1 | rebuild error | final / initial L1 | verdict |\n' +
    '|---|---|---|---|---|---|---|---|---|---|\n';
  const lines = rows.flatMap((row) => {
    const id = `${row.network.id} (${row.network.what})`;
    if (row.status === 'failed')
      return [
        `| ${id} | — | — | — | — | — | — | — | — | **failed**: ${row.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      ];
    return row.presets.map(
      (p) =>
        `| ${id} | ${row.n} | ${p.summary.samples} | \`${p.preset}\` | ${range(p.summary.salientCount, (x) => x.toFixed(0))} | ` +
        `${(100 * p.summary.salientFraction).toFixed(1)} % of ${p.summary.terms} | ${range(p.summary.salientShare, f3)} | ` +
        `${range(p.summary.rebuildError, f3)} | ${f3(p.summary.lossRatio)} | ${p.verdict.text} |`,
    );
  });
  return head + lines.join('\n') + '\n';
}

/** The report page: settings, the rule, the table. */
export function formatAndOrSparsityReport(options: {
  readonly rows: readonly AndOrSparsityRow[];
  readonly command: string;
  readonly niter: number;
  readonly seed: number;
  readonly wallSeconds: number;
}): string {
  const { rows } = options;
  const done = rows.flatMap((r) => (r.status === 'done' ? [r] : []));
  const failed = rows.filter((r) => r.status === 'failed');
  const sparse = (preset: AndOrPreset) =>
    done.filter((r) => r.presets.find((p) => p.preset === preset)?.verdict.sparse).length;
  return [
    '# Sparsity of AND-OR interactions across the project’s networks',
    '',
    `\`${options.command}\` — ${options.niter} iterations, seed ${options.seed}, ${Math.round(options.wallSeconds)} s.`,
    '',
    'The claim (two-phase paper §2, Theorem 1; Ren et al. 2024): a DNN encodes few salient AND-OR interactions, ' +
      'far fewer than the `2^n` subsets, and they alone rebuild its output on every masked sample. Per sample, ' +
      'the exact `2^n` table of the reward (the adapter’s default: log-odds of the true class) is decomposed with ' +
      'each preset of `docs/and-or.md`; **salient** counts the AND and OR terms of non-empty sets above the ' +
      'preset’s threshold, **of the terms** divides by all `2·(2^n − 1)` of them, the **share** is their part of ' +
      'the L1 mass of non-empty terms, the **rebuild error** the relative RMS error over all `2^n` coalitions of the ' +
      'game rebuilt from the salient terms (and the baseline) only. Verdict (our cut-offs; the papers give none): ' +
      `sparse when at most ${100 * AND_OR_SPARSE_MAX_FRACTION} % of the terms are salient and the rebuild error is at most ` +
      `${AND_OR_SPARSE_MAX_REBUILD_ERROR}, on average.`,
    '',
    `**Sparse on ${sparse('orderlens')} of ${done.length} networks with \`orderlens\`, ${sparse('authors')} of ${done.length} with \`authors\`**` +
      `${failed.length ? `; ${failed.length} failed: ${failed.map((f) => f.network.id).join(', ')}` : ''}.`,
    '',
    formatAndOrSparsityTable(rows),
    'The value tables (`v(S)` for every coalition, mask bit `j` = player `j`) and the `authors` preset’s ' +
      'interactions are in `tables/<network>.json`, for `tools/experiments/and_or_authors_compare.py`.',
    '',
  ].join('\n');
}
