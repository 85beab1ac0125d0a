import { basename } from 'node:path';
import type { ReportEntry } from './collect-results.js';

/** One row of the settings table (strings, ready for HTML or Markdown). */
export interface SettingsRow {
  readonly model: string;
  readonly modality: string;
  readonly estimator: string;
  readonly players: string;
  readonly samples: string;
  readonly modelFile: string;
  readonly backend: string;
  readonly data: string;
  readonly calls: string;
  readonly wallTime: string;
  readonly instability: string;
  readonly fittedN: string;
  /** Everything else that changes the numbers, one `key=value` list. */
  readonly settings: string;
}

/** Column titles of {@link SettingsRow}, in table order. */
export const SETTINGS_COLUMNS: ReadonlyArray<readonly [keyof SettingsRow, string]> = [
  ['model', 'model'],
  ['modality', 'modality'],
  ['estimator', 'estimator'],
  ['players', 'players n'],
  ['samples', 'samples'],
  ['modelFile', 'model file'],
  ['backend', 'backend'],
  ['data', 'data'],
  ['calls', 'model calls'],
  ['wallTime', 'wall time'],
  ['instability', 'instability'],
  ['fittedN', 'fitted n′'],
  ['settings', 'settings'],
];

/** `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
}

const compact = (v: unknown): string =>
  typeof v === 'string' ? v : Array.isArray(v) && v.length > 8 ? `[${v.length} values]` : JSON.stringify(v);

/**
 * The table of settings, model calls and wall times: one row per result. Model calls are split
 * by purpose (selection, estimation, …; zero purposes are left out), the sum last.
 */
export function settingsRows(entries: readonly ReportEntry[]): SettingsRow[] {
  return entries.map(({ label, result }) => {
    const p = result.provenance;
    const calls = Object.entries(result.modelCalls)
      .filter(([k, v]) => k !== 'total' && v > 0)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`);
    calls.push(`total ${result.modelCalls.total.toLocaleString('en-US')}`);
    const settings: string[] = [];
    for (const [k, v] of Object.entries(result.estimator.options)) settings.push(`${k}=${compact(v)}`);
    if (result.pairs) settings.push(`pairs=${result.pairs.name} ${compact(result.pairs.parameters)}`);
    for (const [k, v] of Object.entries(p.options))
      if (!['batchSize', 'device'].includes(k)) settings.push(`${k}=${compact(v)}`);
    settings.push(`reward=${result.reward}`, `seed=${p.seed}`);
    const sel = result.selection;
    const accuracy = sel?.accuracy !== undefined ? `, accuracy ${(100 * sel.accuracy).toFixed(1)} %` : '';
    return {
      model: label,
      modality: result.modality,
      estimator: result.estimator.name,
      players: String(result.n),
      samples: `${result.samples.length}${sel ? ` of ${sel.candidates} (${sel.rule}${accuracy})` : ''}`,
      modelFile: p.model ? `${basename(p.model.file)} (sha256 ${p.model.sha256.slice(0, 12)}…)` : '–',
      backend: p.model ? `${p.model.backend} (${p.device})` : p.device,
      data: p.data,
      calls: calls.join(', '),
      wallTime: formatDuration(p.wallTimeMs),
      instability: result.aggregate.instability === null ? '–' : result.aggregate.instability.toFixed(4),
      fittedN: result.aggregate.theory.effectiveN?.toString() ?? '–',
      settings: settings.join('; '),
    };
  });
}
