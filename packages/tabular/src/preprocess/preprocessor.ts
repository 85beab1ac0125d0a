import { readFileSync } from 'node:fs';
import { OrderlensInputError, requireInput, writeJsonAtomic } from '@orderlens/core';
import type { CsvTable } from '../csv/read-csv.js';
import {
  DEFAULT_MISSING_VALUES,
  validateTable,
  type ColumnSpec,
  type TabularSchema,
} from '../schema/schema.js';

/** How a categorical attribute becomes numbers. */
export type CategoricalEncoding = 'ordinal' | 'one-hot';
/** How model inputs are scaled. */
export type Standardization = 'zscore' | 'none';

/** Options of {@link TabularPreprocessor.fit}. */
export interface PreprocessorFitOptions {
  /** `zscore` (default): `(value − mean) / std` per model input; `none`: raw codes and numbers. */
  standardize?: Standardization;
  /** Degrees of freedom of the std: 0 (default, population std as NumPy) or 1 (as pandas). */
  ddof?: 0 | 1;
  /**
   * `ordinal` (default): one model input per attribute holding the category's code (the Learn
   * census recipe); `one-hot`: one input per category, all owned by the attribute's player.
   */
  categorical?: CategoricalEncoding;
  /**
   * Rows of the table to fit on (default: all). Categories come from every non-missing cell of
   * these rows; means and stds from those rows that have no missing cell.
   */
  fitRows?: ArrayLike<number>;
}

/** Options of {@link TabularPreprocessor.transform}. */
export interface TransformOptions {
  /** Rows with a missing cell: `drop` them (default) or raise an error. */
  missing?: 'drop' | 'error';
  /** Read labels when the target column is present (default true). */
  labels?: boolean;
  /** Only these rows of the table (in this order). */
  rows?: ArrayLike<number>;
}

/** A transformed table, ready for a model. */
export interface TabularData {
  /** `rows × featureCount` model inputs, row-major. */
  readonly x: Float32Array;
  /** Class labels (when the target column was present and labels were asked for). */
  readonly y?: Int32Array;
  /** Number of rows. */
  readonly rows: number;
  readonly featureCount: number;
  /** Index in the source table of every row kept. */
  readonly sourceRows: Int32Array;
  /**
   * Per categorical attribute, how many kept rows held a category unseen when fitting (encoded
   * as {@link TabularPreprocessor} documents); attributes without any are absent. Lets a caller
   * warn about typos without refusing valid held-out data.
   */
  readonly unknownCategories: Readonly<Record<string, number>>;
  /** The first unseen category of each attribute in {@link unknownCategories}, as written. */
  readonly unknownCategoryExamples: Readonly<Record<string, string>>;
}

/**
 * A warning about the categories of `data` that the preprocessing never saw when it was fitted
 * (a typo, or data from elsewhere), with counts and the first such value per attribute, or
 * `undefined` when there were none. They are encoded as unknown (see {@link TabularPreprocessor}),
 * which is right for genuinely new categories but hides a typo unless someone is told.
 */
export function unknownCategoryWarning(data: TabularData, source: string): string | undefined {
  const names = Object.keys(data.unknownCategories);
  if (names.length === 0) return undefined;
  const cells = names.reduce((a, k) => a + data.unknownCategories[k], 0);
  const list = names
    .map((k) => `${k}: ${data.unknownCategories[k]} (e.g. "${data.unknownCategoryExamples[k] ?? '?'}")`)
    .join(', ');
  return `${source}: ${cells} ${cells === 1 ? 'cell holds' : 'cells hold'} a category the preprocessing was not fitted on (${list}); encoded as unknown (the fitted mean, i.e. as if absent under the mean baseline)`;
}

/** One model input produced by an attribute (its name and standardisation). */
export interface OutputFeature {
  readonly name: string;
  readonly mean: number;
  readonly std: number;
}

/** An attribute's fitted transform. */
export interface FittedColumn {
  readonly name: string;
  readonly kind: ColumnSpec['kind'];
  readonly categories?: readonly string[];
  readonly outputs: readonly OutputFeature[];
}

/** The JSON form saved beside a model, so an analysis applies exactly the training transform. */
export interface PreprocessorJSON {
  readonly format: typeof PREPROCESSOR_FORMAT;
  readonly categorical: CategoricalEncoding;
  readonly standardize: Standardization;
  readonly ddof: 0 | 1;
  readonly missingValues: readonly string[];
  readonly ignore: readonly string[];
  readonly columns: readonly FittedColumn[];
  readonly target?: { readonly name: string; readonly classes: readonly string[] };
  /** Rows the statistics were computed on. */
  readonly fittedRows: number;
  /**
   * Mean of the fitted rows in model-input space (0 for z-scored inputs): the `mean` baseline of
   * a model trained on those rows.
   */
  readonly inputMeans?: readonly number[];
}

/** Format tag of {@link PreprocessorJSON}. */
export const PREPROCESSOR_FORMAT = 'orderlens/tabular-preprocessor@1';

/**
 * Turns CSV rows into model inputs: numbers parsed, categories encoded, everything standardised
 * with statistics fitted on training data. It is saved with a model (`toJSON`/`save`) and
 * restored (`fromJSON`/`load`) so that analysis, attacks and the quickstart see inputs exactly
 * as training did.
 *
 * Players: each attribute is one player; `playerOfFeature[f]` names the player owning model
 * input `f` (one-hot attributes own several inputs).
 *
 * Unknown categories: the fit learns categories (and every statistic) from the rows it is given
 * and nothing else, so a held-out or later table may hold a category the fit never saw. Such a
 * cell is not refused; it is encoded as **unknown**:
 * - `ordinal`: the attribute's fitted mean code (exactly 0 after z-scoring; the raw mean of the
 *   fitted rows with `standardize: 'none'`). That is the
 *   value the attribute takes when its player is absent under the mean baseline, so an unseen
 *   category carries no information, instead of an invented code (`-1`, or one past the last)
 *   that would sit outside the range the model was trained on;
 * - `one-hot`: all of the attribute's indicators 0 (no known category present).
 * {@link TabularData.unknownCategories} counts such cells per attribute. A category outside a
 * list given in the schema is still refused while fitting (the schema said the list is complete).
 */
export class TabularPreprocessor {
  private readonly spec: PreprocessorJSON;
  /** Model-input names, e.g. `Age` or `Workclass=Private` (one-hot). */
  readonly featureNames: readonly string[];
  /** Attribute (player) names in player order. */
  readonly playerNames: readonly string[];
  /** Player owning each model input. */
  readonly playerOfFeature: Int32Array;
  /** Per-input mean and std used for standardisation (0 and 1 when `standardize` is `none`). */
  readonly means: Float64Array;
  readonly stds: Float64Array;

  private constructor(spec: PreprocessorJSON) {
    this.spec = spec;
    const names: string[] = [];
    const owner: number[] = [];
    spec.columns.forEach((c, p) => {
      for (const o of c.outputs) {
        names.push(o.name);
        owner.push(p);
      }
    });
    this.featureNames = names;
    this.playerNames = spec.columns.map((c) => c.name);
    this.playerOfFeature = Int32Array.from(owner);
    this.means = Float64Array.from(spec.columns.flatMap((c) => c.outputs.map((o) => o.mean)));
    this.stds = Float64Array.from(spec.columns.flatMap((c) => c.outputs.map((o) => o.std)));
  }

  /** Number of model inputs per row. */
  get featureCount(): number {
    return this.featureNames.length;
  }

  /** Number of players (attributes). */
  get playerCount(): number {
    return this.playerNames.length;
  }

  /** Mean of the fitted rows in model-input space (the `mean` baseline; 0 for z-scored inputs). */
  get inputMeans(): Float32Array {
    return Float32Array.from(this.spec.inputMeans ?? new Array<number>(this.featureCount).fill(0));
  }

  /** Class names in label order, when a target was fitted. */
  get classes(): readonly string[] | undefined {
    return this.spec.target?.classes;
  }

  /** The schema this preprocessor expects (with the fitted category lists). */
  get schema(): TabularSchema {
    return {
      features: this.spec.columns.map((c) => ({ name: c.name, kind: c.kind, categories: c.categories })),
      target: this.spec.target,
      ignore: this.spec.ignore,
      missingValues: this.spec.missingValues,
    };
  }

  /** Fits encodings and standardisation statistics on (rows of) a table. */
  static fit(
    table: CsvTable,
    schema: TabularSchema,
    options: PreprocessorFitOptions = {},
  ): TabularPreprocessor {
    validateTable(table, schema);
    const categorical = options.categorical ?? 'ordinal';
    const standardize = options.standardize ?? 'zscore';
    const ddof = options.ddof ?? 0;
    requireInput(
      categorical === 'ordinal' || categorical === 'one-hot',
      'categorical',
      `expected "ordinal" or "one-hot", got "${categorical}"`,
    );
    requireInput(
      standardize === 'zscore' || standardize === 'none',
      'standardize',
      `expected "zscore" or "none", got "${standardize}"`,
    );
    requireInput(ddof === 0 || ddof === 1, 'ddof', `expected 0 or 1, got ${ddof}`);
    const missing = new Set(schema.missingValues ?? DEFAULT_MISSING_VALUES);
    const fitRows = options.fitRows ? Array.from(options.fitRows) : table.rows.map((_r, i) => i);
    requireInput(fitRows.length > 0, 'fitRows', 'need at least one row to fit on');

    // Categories: listed in the schema, else every non-missing value of the fit rows, sorted
    // by code unit (the order of Python's `sorted`, hence of pandas category codes).
    const columns: Array<{ name: string; kind: ColumnSpec['kind']; categories?: string[] }> =
      schema.features.map((f) => {
        if (f.kind === 'numeric') return { name: f.name, kind: f.kind };
        if (f.categories) return { name: f.name, kind: f.kind, categories: [...f.categories] };
        const c = table.columns.indexOf(f.name);
        const seen = new Set<string>();
        for (const r of fitRows) if (!missing.has(table.rows[r][c])) seen.add(table.rows[r][c]);
        return { name: f.name, kind: f.kind, categories: [...seen].sort(codeUnitOrder) };
      });
    let target: PreprocessorJSON['target'];
    if (schema.target) {
      const c = table.columns.indexOf(schema.target.name);
      let classes = schema.target.classes ? [...schema.target.classes] : undefined;
      if (!classes) {
        const seen = new Set<string>();
        for (const r of fitRows) if (!missing.has(table.rows[r][c])) seen.add(table.rows[r][c]);
        classes = [...seen].sort(codeUnitOrder);
      }
      requireInput(
        classes.length >= 2,
        `target "${schema.target.name}"`,
        `needs at least 2 classes, found ${classes.length}`,
      );
      target = { name: schema.target.name, classes };
    }

    // Statistics over the complete fit rows, in float64 (as NumPy does on the float64 matrix).
    const draft = new TabularPreprocessor({
      format: PREPROCESSOR_FORMAT,
      categorical,
      standardize: 'none',
      ddof,
      missingValues: [...missing],
      ignore: [...(schema.ignore ?? [])],
      columns: columns.map((c) => ({
        ...c,
        outputs: outputNames(c, categorical).map((name) => ({ name, mean: 0, std: 1 })),
      })),
      target,
      fittedRows: 0,
    });
    const raw = draft.encode(table, { rows: fitRows, labels: false, missing: 'drop' }, 'error');
    requireInput(raw.rows > 0, 'fitRows', 'every row to fit on has a missing value');
    const d = draft.featureCount;
    const mean = new Float64Array(d);
    const m2 = new Float64Array(d);
    for (let r = 0; r < raw.rows; r++) for (let f = 0; f < d; f++) mean[f] += raw.values[r * d + f];
    for (let f = 0; f < d; f++) mean[f] /= raw.rows;
    for (let r = 0; r < raw.rows; r++)
      for (let f = 0; f < d; f++) {
        const dv = raw.values[r * d + f] - mean[f];
        m2[f] += dv * dv;
      }
    let f = 0;
    const fitted: FittedColumn[] = columns.map((c) => ({
      ...c,
      outputs: outputNames(c, categorical).map((name) => {
        const k = f++;
        if (standardize === 'none') return { name, mean: 0, std: 1 };
        const variance = raw.rows - ddof > 0 ? m2[k] / (raw.rows - ddof) : 0;
        // A constant input would divide by zero; leave it centred but unscaled.
        const std = variance > 0 ? Math.sqrt(variance) : 1;
        return { name, mean: mean[k], std };
      }),
    }));
    const inputMeans = Array.from(mean, (m) => (standardize === 'zscore' ? 0 : m));
    return new TabularPreprocessor({
      ...draft.spec,
      standardize,
      columns: fitted,
      fittedRows: raw.rows,
      inputMeans,
    });
  }

  /**
   * Model inputs (and labels) for a table with the fitted columns. Validates columns and values
   * first: a missing or unexpected column, a non-number in a numeric column or an unknown class
   * raise an {@link OrderlensInputError} naming the column and line. A category unseen when
   * fitting is encoded as unknown (see the class documentation) and counted in
   * `unknownCategories`.
   */
  transform(table: CsvTable, options: TransformOptions = {}): TabularData {
    validateTable(table, this.schema, { requireTarget: false });
    const enc = this.encode(table, options, 'unknown');
    const x = new Float32Array(enc.values.length);
    const d = this.featureCount;
    for (let r = 0; r < enc.rows; r++)
      for (let f = 0; f < d; f++) x[r * d + f] = (enc.values[r * d + f] - this.means[f]) / this.stds[f];
    return {
      x,
      y: enc.labels,
      rows: enc.rows,
      featureCount: d,
      sourceRows: enc.sourceRows,
      unknownCategories: enc.unknown,
      unknownCategoryExamples: enc.unknownExamples,
    };
  }

  /** Model inputs of one record given as raw strings by attribute name (e.g. a custom baseline). */
  encodeRecord(record: Readonly<Record<string, string | number>>): Float32Array {
    const columns = this.spec.columns.map((c) => c.name);
    const missingNames = columns.filter((c) => record[c] === undefined);
    requireInput(
      missingNames.length === 0,
      'record',
      `lacks ${missingNames.map((n) => `"${n}"`).join(', ')}`,
    );
    const extra = Object.keys(record).filter((k) => !columns.includes(k) && k !== this.spec.target?.name);
    requireInput(
      extra.length === 0,
      'record',
      `has unexpected ${extra.map((n) => `"${n}"`).join(', ')}; expected: ${columns.join(', ')}`,
    );
    const table: CsvTable = {
      columns,
      rows: [columns.map((c) => String(record[c]))],
      source: 'record',
      lines: [1],
    };
    return this.transform(table, { missing: 'error', labels: false }).x;
  }

  /**
   * Raw values of one transformed row, by attribute: numbers un-standardised, ordinal codes
   * rounded to the nearest category (useful to report what an attack changed).
   */
  decodeRow(x: ArrayLike<number>): Record<string, number | string> {
    requireInput(
      x.length === this.featureCount,
      'x',
      `expected ${this.featureCount} values, got ${x.length}`,
    );
    const out: Record<string, number | string> = {};
    let f = 0;
    for (const c of this.spec.columns) {
      if (c.kind === 'numeric') {
        out[c.name] = x[f] * this.stds[f] + this.means[f];
        f++;
      } else if (this.spec.categorical === 'ordinal') {
        const cats = c.categories ?? [];
        const code = Math.round(x[f] * this.stds[f] + this.means[f]);
        out[c.name] = cats[Math.min(cats.length - 1, Math.max(0, code))];
        f++;
      } else {
        const cats = c.categories ?? [];
        let best = 0;
        for (let k = 1; k < cats.length; k++) if (x[f + k] > x[f + best]) best = k;
        out[c.name] = cats[best];
        f += cats.length;
      }
    }
    return out;
  }

  /** The JSON form (see {@link PreprocessorJSON}). */
  toJSON(): PreprocessorJSON {
    return this.spec;
  }

  /** Restores a preprocessor from {@link toJSON}'s output, checking its shape. */
  static fromJSON(json: unknown): TabularPreprocessor {
    const j = json as Partial<PreprocessorJSON> | null;
    requireInput(j !== null && typeof j === 'object', 'preprocessor', 'expected a JSON object');
    requireInput(
      j.format === PREPROCESSOR_FORMAT,
      'preprocessor.format',
      `expected "${PREPROCESSOR_FORMAT}", got ${JSON.stringify(j.format)}`,
    );
    requireInput(
      Array.isArray(j.columns) && j.columns.length > 0,
      'preprocessor.columns',
      'expected a non-empty list of columns',
    );
    for (const c of j.columns) {
      requireInput(
        typeof c.name === 'string' && (c.kind === 'numeric' || c.kind === 'categorical'),
        'preprocessor.columns',
        `bad column ${JSON.stringify(c)}`,
      );
      requireInput(
        c.kind === 'numeric' || Array.isArray(c.categories),
        `preprocessor.columns["${c.name}"]`,
        'a categorical column needs its categories',
      );
      requireInput(
        Array.isArray(c.outputs) &&
          c.outputs.every(
            (o: OutputFeature) => Number.isFinite(o.mean) && Number.isFinite(o.std) && o.std > 0,
          ),
        `preprocessor.columns["${c.name}"]`,
        'expected outputs with finite mean and positive std',
      );
    }
    return new TabularPreprocessor({
      format: PREPROCESSOR_FORMAT,
      categorical: j.categorical ?? 'ordinal',
      standardize: j.standardize ?? 'zscore',
      ddof: j.ddof ?? 0,
      missingValues: j.missingValues ?? DEFAULT_MISSING_VALUES,
      ignore: j.ignore ?? [],
      columns: j.columns,
      target: j.target,
      fittedRows: j.fittedRows ?? 0,
      inputMeans: j.inputMeans,
    });
  }

  /** Writes the JSON form atomically. */
  save(path: string): void {
    writeJsonAtomic(path, this.toJSON());
  }

  /** Reads a preprocessor written by {@link save}. */
  static load(path: string): TabularPreprocessor {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new OrderlensInputError(
        'preprocessor',
        `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new OrderlensInputError('preprocessor', `${path} is not valid JSON: ${(err as Error).message}`);
    }
    return TabularPreprocessor.fromJSON(json);
  }

  /**
   * Unstandardised values (codes, one-hot, numbers) of the selected rows, in float64. An unseen
   * category is refused (`error`, while fitting) or encoded as unknown (`unknown`).
   */
  private encode(
    table: CsvTable,
    options: TransformOptions,
    unseen: 'error' | 'unknown',
  ): {
    values: Float64Array;
    labels?: Int32Array;
    rows: number;
    sourceRows: Int32Array;
    unknown: Record<string, number>;
    unknownExamples: Record<string, string>;
  } {
    const spec = this.spec;
    const missing = new Set(spec.missingValues);
    const policy = options.missing ?? 'drop';
    const rowIds = options.rows ? Array.from(options.rows) : table.rows.map((_r, i) => i);
    const colIdx = spec.columns.map((c) => table.columns.indexOf(c.name));
    const codeMaps = spec.columns.map((c) =>
      c.categories ? new Map(c.categories.map((v, i) => [v, i])) : undefined,
    );
    const targetIdx = spec.target && (options.labels ?? true) ? table.columns.indexOf(spec.target.name) : -1;
    const classMap = spec.target ? new Map(spec.target.classes.map((v, i) => [v, i])) : undefined;
    const d = this.featureCount;
    const values = new Float64Array(rowIds.length * d);
    const labels = targetIdx >= 0 ? new Int32Array(rowIds.length) : undefined;
    const kept = new Int32Array(rowIds.length);
    const unknown: Record<string, number> = {};
    const unknownExamples: Record<string, string> = {};
    // Raw fitted mean of every attribute's first model input: the code an unknown ordinal
    // category takes (standardised inputs keep it in `means`, unstandardised ones in
    // `inputMeans`).
    const meanCode: number[] = [];
    spec.columns.reduce((f, c) => {
      meanCode.push(spec.standardize === 'zscore' ? this.means[f] : (spec.inputMeans?.[f] ?? 0));
      return f + c.outputs.length;
    }, 0);
    let n = 0;
    rowLoop: for (const r of rowIds) {
      requireInput(
        Number.isInteger(r) && r >= 0 && r < table.rows.length,
        'rows',
        `row index ${r} out of range [0, ${table.rows.length})`,
      );
      const row = table.rows[r];
      for (const c of colIdx) {
        if (missing.has(row[c])) {
          if (policy === 'drop') continue rowLoop;
          throw new OrderlensInputError(
            `column "${table.columns[c]}"`,
            `${table.source} line ${table.lines[r]} has a missing value ("${row[c]}")`,
          );
        }
      }
      if (targetIdx >= 0 && missing.has(row[targetIdx])) {
        if (policy === 'drop') continue;
        throw new OrderlensInputError(
          `column "${spec.target!.name}"`,
          `${table.source} line ${table.lines[r]} has a missing label`,
        );
      }
      let f = n * d;
      for (let p = 0; p < spec.columns.length; p++) {
        const col = spec.columns[p];
        const cell = row[colIdx[p]];
        if (col.kind === 'numeric') {
          const v = Number(cell);
          requireInput(
            cell.trim() !== '' && Number.isFinite(v),
            `column "${col.name}"`,
            `${table.source} line ${table.lines[r]}: "${cell}" is not a number`,
          );
          values[f++] = v;
          continue;
        }
        const code = codeMaps[p]!.get(cell);
        if (code === undefined) {
          if (unseen === 'error') {
            throw new OrderlensInputError(
              `column "${col.name}"`,
              `${table.source} line ${table.lines[r]}: category "${cell}" is not in the schema's list (${col.categories!.slice(0, 12).join(', ')}${col.categories!.length > 12 ? ', …' : ''})`,
            );
          }
          unknown[col.name] = (unknown[col.name] ?? 0) + 1;
          unknownExamples[col.name] ??= cell;
          // Ordinal: the fitted mean code (0 after z-scoring); one-hot: every indicator stays 0.
          if (spec.categorical === 'ordinal') values[f++] = meanCode[p];
          else f += col.categories!.length;
          continue;
        }
        if (spec.categorical === 'ordinal') values[f++] = code;
        else {
          values[f + code] = 1;
          f += col.categories!.length;
        }
      }
      if (labels) {
        const label = classMap!.get(row[targetIdx]);
        if (label === undefined) {
          throw new OrderlensInputError(
            `column "${spec.target!.name}"`,
            `${table.source} line ${table.lines[r]}: unknown class "${row[targetIdx]}" (known: ${spec.target!.classes.join(', ')})`,
          );
        }
        labels[n] = label;
      }
      kept[n] = r;
      n++;
    }
    return {
      values: values.subarray(0, n * d),
      labels: labels?.subarray(0, n),
      rows: n,
      sourceRows: kept.subarray(0, n),
      unknown,
      unknownExamples,
    };
  }
}

function outputNames(
  c: { name: string; kind: ColumnSpec['kind']; categories?: readonly string[] },
  encoding: CategoricalEncoding,
): string[] {
  if (c.kind === 'numeric' || encoding === 'ordinal') return [c.name];
  return (c.categories ?? []).map((v) => `${c.name}=${v}`);
}

/** Sort strings by UTF-16 code units (Python's `sorted` order for ASCII), independent of locale. */
function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
