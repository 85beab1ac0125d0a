import type { ReportEntry } from './collect-results.js';
import { andOrRows, andOrSpec } from './and-or-chart.js';
import { measureCharts } from './measure-charts.js';
import { modelColour } from './palette.js';
import { sampleSections, type SampleSection } from './sample-views.js';
import { settingsRows, type SettingsRow } from './settings-table.js';
import { strengthRows, strengthSpec } from './strength-chart.js';

/** A chart of the report: its Vega-Lite spec and whether the model toggles filter it. */
export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly spec: Record<string, unknown>;
  readonly toggles: boolean;
}

/** Everything a report shows, independent of its format (HTML or Markdown). */
export interface ReportContent {
  readonly title: string;
  readonly root: string;
  readonly models: ReadonlyArray<{ label: string; colour: string; modality: string; path: string }>;
  readonly strength: ReportChart;
  /** One panel per modality; absent with a single modality (it would repeat `strength`). */
  readonly byModality?: ReportChart;
  readonly andOr?: ReportChart;
  /** The measures of interactions the results carry (noise, generalization, transfer, sparsity). */
  readonly measures: readonly ReportChart[];
  readonly settings: readonly SettingsRow[];
  readonly samples: readonly SampleSection[];
}

/** Options of {@link buildReportContent}. */
export interface ReportContentOptions {
  readonly title?: string;
  /** Sample views per model (default 3). */
  readonly maxSamples?: number;
}

/** Gathers the charts, the settings table and the per-sample views of `entries`. */
export function buildReportContent(
  root: string,
  entries: readonly ReportEntry[],
  options: ReportContentOptions = {},
): ReportContent {
  const rows = strengthRows(entries);
  const modalities = [...new Set(entries.map((e) => e.result.modality))];
  const aoRows = andOrRows(entries);
  return {
    title: options.title ?? 'orderlens report',
    root,
    models: entries.map((e, k) => ({
      label: e.label,
      colour: modelColour(k),
      modality: e.result.modality,
      path: e.path,
    })),
    strength: {
      id: 'chart-strength',
      title: 'J(m) of every model',
      spec: strengthSpec(entries, rows, { title: 'Interaction strength over orders, every model' }),
      toggles: true,
    },
    ...(modalities.length > 1
      ? {
          byModality: {
            id: 'chart-modality',
            title: 'J(m) per modality',
            spec: strengthSpec(entries, rows, {
              title: 'Per modality (each on the range of its own curves)',
              byModality: true,
            }),
            toggles: true,
          },
        }
      : {}),
    ...(aoRows.length > 0
      ? {
          andOr: {
            id: 'chart-and-or',
            title: 'AND-OR salient strength per order',
            spec: andOrSpec(aoRows, 'Salient AND / OR interactions per order (mean over samples)'),
            toggles: true,
          },
        }
      : {}),
    measures: measureCharts(entries),
    settings: settingsRows(entries),
    samples: entries.flatMap((e) => sampleSections(e, options.maxSamples ?? 3)),
  };
}
