import type { ModalitySession, NoiseScale } from '../adapter/modality-adapter.js';
import { requireInput } from '../errors/errors.js';

/** Candidates {@link inputValueScale} reads at most: the scale of the data, at a bounded cost. */
export const INPUT_SCALE_CANDIDATES = 1000;

/** Options of {@link inputValueScale}. */
export interface InputScaleOptions {
  /** The model input the noise is added to (default: the session's only input). */
  readonly inputName?: string;
  /** Where `ε` is added, for the record (default `model-input`). */
  readonly space?: string;
  /**
   * Names of the input's last-axis columns (tables): the standard deviation of each column is
   * recorded too, since `δ` is the same on every column however different their spreads.
   */
  readonly featureNames?: readonly string[];
  /** Candidates read (default {@link INPUT_SCALE_CANDIDATES}, in data order). */
  readonly limit?: number;
}

/**
 * The scale of the values the noise of tables, images and point clouds is added to: the model
 * inputs (after the adapter's normalisation) of the session's first `limit` candidates, in data
 * order — their root mean square, their standard deviation around the mean and, for tables, each
 * column's standard deviation. `δ / std` is then comparable across models and modalities from the
 * result alone (text records its embedding table's RMS instead). No model is called.
 */
export async function inputValueScale(
  session: Pick<ModalitySession, 'candidates' | 'inputs'>,
  options: InputScaleOptions = {},
): Promise<NoiseScale> {
  const count = Math.min(session.candidates, options.limit ?? INPUT_SCALE_CANDIDATES);
  requireInput(count > 0, 'noise', 'the data has no candidate to measure the input scale on');
  const names = options.featureNames;
  const d = names?.length ?? 0;
  const colSum = new Float64Array(d);
  const colSq = new Float64Array(d);
  let sum = 0;
  let sq = 0;
  let values = 0;
  let name = options.inputName;
  const chunk = 64;
  for (let start = 0; start < count; start += chunk) {
    const inputs = await session.inputs(start, Math.min(count, start + chunk));
    name ??= Object.keys(inputs).length === 1 ? Object.keys(inputs)[0] : undefined;
    const t = name !== undefined ? inputs[name] : undefined;
    requireInput(
      t !== undefined && t.type === 'float32',
      'noise',
      `expected one float32 model input to measure the noise scale on, got ${Object.keys(inputs).join(', ')}`,
    );
    const x = t.data as Float32Array;
    if (d > 0)
      requireInput(
        t.dims[t.dims.length - 1] === d,
        'noise',
        `the input's last axis has ${t.dims[t.dims.length - 1]} columns, ${d} names were given`,
      );
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      sum += v;
      sq += v * v;
      if (d > 0) {
        colSum[i % d] += v;
        colSq[i % d] += v * v;
      }
    }
    values += x.length;
  }
  const mean = sum / values;
  // Population moments, clamped at 0 against rounding on constant inputs.
  const std = Math.sqrt(Math.max(0, sq / values - mean * mean));
  const rows = d > 0 ? values / d : 0;
  return {
    space: options.space ?? 'model-input',
    ...(name !== undefined ? { table: name } : {}),
    rms: Math.sqrt(sq / values),
    std,
    over: `the model inputs of the first ${count} candidates (${values} values)`,
    ...(names
      ? {
          perFeature: {
            names: [...names],
            std: Array.from(colSum, (s, j) => {
              const m = s / rows;
              return Math.sqrt(Math.max(0, colSq[j] / rows - m * m));
            }),
          },
        }
      : {}),
  };
}
