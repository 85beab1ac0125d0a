import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { OrderlensInputError, requireInput } from '@orderlens/core';

/** A parsed CSV file: column names and the rows as strings, exactly as read (after trimming). */
export interface CsvTable {
  /** Column names, from the header line or from {@link ReadCsvOptions.header}. */
  readonly columns: readonly string[];
  /** Data rows; every row has `columns.length` fields. */
  readonly rows: readonly (readonly string[])[];
  /** Where the table came from (file path or `<text>`), used in error messages. */
  readonly source: string;
  /** 1-based line number in the source of each row, for error messages. */
  readonly lines: readonly number[];
}

/** How to read a CSV file. */
export interface ReadCsvOptions {
  /**
   * `true` (default): the first record holds the column names. A list of names: the file has no
   * header line and these are its columns.
   */
  header?: boolean | readonly string[];
  /** Field separator (default `,`). */
  delimiter?: string;
  /** Trim whitespace around every field (default `true`; census writes `", "` between fields). */
  trim?: boolean;
  /** Number of lines to skip before the header or first row (e.g. the banner of `adult.test`). */
  skipLines?: number;
  /** Lines starting with this character are comments. */
  comment?: string;
  /** Name used in error messages (defaults to the path, or `<text>`). */
  source?: string;
}

/**
 * Parses CSV text with `csv-parse` (quoted fields, embedded separators and CRLF handled by a
 * maintained parser, not by `split(',')`). Empty lines are skipped. Throws an
 * {@link OrderlensInputError} naming the source for an empty file, a header without rows,
 * duplicate column names, or rows whose field count differs from the header.
 */
export function parseCsv(input: string | Uint8Array, options: ReadCsvOptions = {}): CsvTable {
  const source = options.source ?? '<text>';
  const text =
    typeof input === 'string'
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  requireInput(
    text.trim().length > 0,
    'csv',
    `${source} is empty: expected a header line and at least one data row`,
  );
  let records: string[][];
  let recordLines: number[];
  try {
    const parsed = parse(text, {
      delimiter: options.delimiter ?? ',',
      trim: options.trim ?? true,
      skip_empty_lines: true,
      from_line: (options.skipLines ?? 0) + 1,
      comment: options.comment,
      relax_column_count: true,
      info: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    records = parsed.map((p) => p.record);
    recordLines = parsed.map((p) => p.info.lines);
  } catch (err) {
    throw new OrderlensInputError('csv', `${source} could not be parsed: ${(err as Error).message}`);
  }
  const header = options.header ?? true;
  let columns: string[];
  let first = 0;
  if (header === true) {
    requireInput(records.length > 0, 'csv', `${source} is empty: expected a header line`);
    columns = records[0].map((c) => c.trim());
    first = 1;
  } else if (header === false) {
    requireInput(records.length > 0, 'csv', `${source} has no rows`);
    columns = records[0].map((_c, i) => `column${i + 1}`);
  } else {
    columns = [...header];
  }
  requireInput(columns.length > 0, 'csv', `${source} has no columns`);
  const seen = new Set<string>();
  for (const c of columns) {
    requireInput(c.length > 0, 'csv', `${source} has an empty column name in its header`);
    requireInput(!seen.has(c), 'csv', `${source} has the column "${c}" twice`);
    seen.add(c);
  }
  const rows = records.slice(first);
  requireInput(rows.length > 0, 'csv', `${source} has a header but no data rows`);
  const lines = recordLines.slice(first);
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length !== columns.length) {
      throw new OrderlensInputError(
        'csv',
        `${source} row ${r + 1} (line ${lines[r]}) has ${rows[r].length} fields, expected ${columns.length} (${columns.join(', ')})`,
      );
    }
  }
  return { columns, rows, source, lines };
}

/**
 * Reads a CSV file from disk (transparently gunzipping `*.gz`). See {@link parseCsv} for the
 * checks; a missing file raises an {@link OrderlensInputError} naming the path.
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): CsvTable {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new OrderlensInputError(
      'csv',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  return parseCsv(bytes, { ...options, source: options.source ?? path });
}
