import { OrderlensInputError, requireInput } from '@orderlens/core';
import type { CsvTable } from '../csv/read-csv.js';

/** Kind of an input column. */
export type ColumnKind = 'numeric' | 'categorical';

/** One input attribute of a tabular dataset; each one is a player in an analysis. */
export interface ColumnSpec {
  /** Column name, as in the CSV header. */
  readonly name: string;
  readonly kind: ColumnKind;
  /**
   * Categorical only: the category list in code order (code = index). When absent, the
   * preprocessor sorts the values seen while fitting.
   */
  readonly categories?: readonly string[];
}

/** The label column. */
export interface TargetSpec {
  readonly name: string;
  /** Class names in label order (label = index). When absent, the sorted values seen while fitting. */
  readonly classes?: readonly string[];
}

/** Columns of a tabular dataset: which are inputs (and of what kind), which is the label. */
export interface TabularSchema {
  /** Input attributes, in model-input order. */
  readonly features: readonly ColumnSpec[];
  readonly target?: TargetSpec;
  /** Columns present in files but deliberately not used (e.g. census `fnlwgt`, `education`). */
  readonly ignore?: readonly string[];
  /** Cell values meaning "missing" (default `['?', '']`). */
  readonly missingValues?: readonly string[];
}

/** Options of {@link inferSchema}. */
export interface InferSchemaOptions {
  /** The label column (excluded from the features). */
  target?: string;
  /** Columns to leave out. */
  ignore?: readonly string[];
  /** Columns to treat as categorical even when all values parse as numbers. */
  categorical?: readonly string[];
  /** Cell values meaning "missing" (default `['?', '']`). */
  missingValues?: readonly string[];
}

/** Default markers of a missing cell. */
export const DEFAULT_MISSING_VALUES: readonly string[] = ['?', ''];

/** Whether a cell is a finite decimal number (`1`, `-2.5`, `1e-3`); `''`, `NaN`, `0x10` are not. */
export function isNumericCell(cell: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell);
}

/**
 * A schema from a table: a column is numeric when every non-missing cell is a number, else
 * categorical (with categories left to the preprocessor to sort).
 */
export function inferSchema(table: CsvTable, options: InferSchemaOptions = {}): TabularSchema {
  const missing = new Set(options.missingValues ?? DEFAULT_MISSING_VALUES);
  const ignore = new Set(options.ignore ?? []);
  const forced = new Set(options.categorical ?? []);
  for (const name of [...ignore, ...forced, ...(options.target ? [options.target] : [])]) {
    requireInput(
      table.columns.includes(name),
      'schema',
      `column "${name}" is not in ${table.source} (columns: ${table.columns.join(', ')})`,
    );
  }
  const features: ColumnSpec[] = [];
  table.columns.forEach((name, c) => {
    if (name === options.target || ignore.has(name)) return;
    let numeric = !forced.has(name);
    let seen = 0;
    for (let r = 0; r < table.rows.length && numeric; r++) {
      const cell = table.rows[r][c];
      if (missing.has(cell)) continue;
      seen++;
      if (!isNumericCell(cell)) numeric = false;
    }
    requireInput(
      seen > 0,
      `column "${name}"`,
      `every value in ${table.source} is missing; cannot tell its kind`,
    );
    features.push({ name, kind: numeric ? 'numeric' : 'categorical' });
  });
  requireInput(features.length > 0, 'schema', `${table.source} has no input columns besides the target`);
  return {
    features,
    target: options.target ? { name: options.target } : undefined,
    ignore: [...ignore],
    missingValues: [...missing],
  };
}

/** Options of {@link validateTable}. */
export interface ValidateTableOptions {
  /** Require the target column (default: only when the schema has one). */
  requireTarget?: boolean;
}

/**
 * Checks a table against a schema before any transform: every feature (and the target, when
 * required) must be a column, there must be no unexpected columns, and every non-missing cell
 * of a numeric column must be a number. Errors name the column, the row and the value.
 */
export function validateTable(
  table: CsvTable,
  schema: TabularSchema,
  options: ValidateTableOptions = {},
): void {
  const expected = schema.features.map((f) => f.name);
  const requireTarget = options.requireTarget ?? schema.target !== undefined;
  const known = new Set([
    ...expected,
    ...(schema.ignore ?? []),
    ...(schema.target ? [schema.target.name] : []),
  ]);
  const present = new Set(table.columns);
  const missingCols = expected.filter((n) => !present.has(n));
  if (requireTarget && schema.target && !present.has(schema.target.name))
    missingCols.push(`${schema.target.name} (target)`);
  if (missingCols.length > 0) {
    throw new OrderlensInputError(
      'columns',
      `${table.source} lacks ${missingCols.map((c) => `"${c}"`).join(', ')}; expected columns: ${[...known].join(', ')}`,
    );
  }
  const extra = table.columns.filter((c) => !known.has(c));
  if (extra.length > 0) {
    throw new OrderlensInputError(
      'columns',
      `${table.source} has unexpected ${extra.map((c) => `"${c}"`).join(', ')}; expected only: ${[...known].join(', ')} (list a column under "ignore" to skip it)`,
    );
  }
  const missing = new Set(schema.missingValues ?? DEFAULT_MISSING_VALUES);
  for (const f of schema.features) {
    if (f.kind !== 'numeric') continue;
    const c = table.columns.indexOf(f.name);
    for (let r = 0; r < table.rows.length; r++) {
      const cell = table.rows[r][c];
      if (!missing.has(cell) && !isNumericCell(cell)) {
        throw new OrderlensInputError(
          `column "${f.name}"`,
          `${table.source} line ${table.lines[r]}: "${cell}" is not a number (the column is numeric)`,
        );
      }
    }
  }
}
