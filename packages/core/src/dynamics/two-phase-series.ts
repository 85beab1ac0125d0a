import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ModalityAdapter } from '../adapter/modality-adapter.js';
import { parseAdapterOptions } from '../adapter/option-values.js';
import { OrderlensInputError } from '../errors/errors.js';
import { readInputText } from '../files/read-input.js';

/**
 * The players of the two-phase paper (App. F.3) per modality, as adapter options: 10 random cells
 * of the central 6×6 of an 8×8 grid over the feature map after the second ReLU (meta.json's
 * cutTensor), zero baseline; 10 random meaningful words masked with [MASK]; 10 of 30 k-means
 * clusters at random, masked by their centroids (the point-cloud adapter's defaults); tabular
 * series (not in the paper) use every attribute.
 */
export const TWO_PHASE_PLAYERS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  vision: { featureMap: 'meta', grid: '8', centralRandom: '10' },
  text: { wordChoice: 'random', words: '10', shortSentences: 'skip' },
  pointcloud: { regions: '30', players: '10', playerRule: 'random', masking: 'centroid' },
  tabular: {},
};

/** Settings of a full run and of a quick one (the CI form). */
export const TWO_PHASE_RUNS = {
  // 50 random test samples per network (F.3); 10,000 extraction iterations (the authors' README).
  full: { samples: 50, niter: 10_000 },
  quick: { samples: 3, niter: 1_000 },
} as const;

/** What a series' `index.json` may say about itself (written by tools/training scripts). */
export interface TwoPhaseSeriesInfo {
  readonly modality?: string;
  readonly options?: Readonly<Record<string, string>>;
  readonly description?: string;
}

/**
 * The `series` block of a checkpoint series' `index.json` (empty when the file or the block is
 * absent); a damaged file or block is refused naming `field`.
 */
export function readTwoPhaseSeriesInfo(folder: string, field: string): TwoPhaseSeriesInfo {
  const path = join(resolve(folder), 'index.json');
  if (!existsSync(path)) return {};
  try {
    const doc = JSON.parse(readInputText(path, field)) as { series?: TwoPhaseSeriesInfo };
    const s = doc.series;
    if (s === undefined) return {};
    if (s === null || typeof s !== 'object')
      throw new OrderlensInputError(field, `${path}: "series" must be an object`);
    if (s.modality !== undefined && typeof s.modality !== 'string')
      throw new OrderlensInputError(field, `${path}: "series.modality" must be a string`);
    return s;
  } catch (e) {
    if (e instanceof OrderlensInputError) throw e;
    throw new OrderlensInputError(field, `${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * The adapter options of a two-phase run on a series: what its `index.json` sets, then the
 * paper's players ({@link TWO_PHASE_PLAYERS}) and the players' seed, parsed by the adapter. A file
 * the series names (the text series' sentences) is read from the series folder, so the series
 * works from any directory; a value that is no file there (`modelnet10:test`, a dataset name) is
 * passed on as written.
 */
export function twoPhaseAdapterOptions(
  adapter: ModalityAdapter,
  series: string,
  info: TwoPhaseSeriesInfo,
  playersSeed: number,
): Record<string, unknown> {
  const seriesOptions = Object.fromEntries(
    Object.entries(info.options ?? {}).map(([k, v]) => [
      k,
      adapter.options.descriptors.some((o) => o.key === k && o.path) &&
      typeof v === 'string' &&
      !isAbsolute(v) &&
      existsSync(resolve(series, v))
        ? resolve(series, v)
        : v,
    ]),
  );
  return parseAdapterOptions(adapter.options, {
    ...seriesOptions,
    ...(TWO_PHASE_PLAYERS[adapter.name] ?? {}),
    ...(adapter.options.descriptors.some((o) => o.key === 'playersSeed')
      ? { playersSeed: String(playersSeed) }
      : {}),
  });
}
