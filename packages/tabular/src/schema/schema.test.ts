import { describe, expect, it } from 'vitest';
import { parseCsv } from '../csv/read-csv.js';
import { readCensusTable, censusSchema, CENSUS_RAW_COLUMNS } from '../census/census.js';
import { inferSchema, isNumericCell, validateTable } from './schema.js';

describe('inferSchema', () => {
  it('infers the census kinds from the real file', () => {
    const table = readCensusTable('adult.data');
    const schema = inferSchema(table, { target: 'Target', ignore: ['fnlwgt', 'Education'] });
    const kinds = Object.fromEntries(schema.features.map((f) => [f.name, f.kind]));
    expect(kinds).toEqual(Object.fromEntries(censusSchema().features.map((f) => [f.name, f.kind])));
    expect(schema.features.map((f) => f.name)).toEqual(
      CENSUS_RAW_COLUMNS.filter((c) => !['fnlwgt', 'Education', 'Target'].includes(c)),
    );
  });

  it('recognises numbers strictly', () => {
    for (const s of ['1', '-2.5', '+3', '.5', '1e-3', '7.']) expect(isNumericCell(s)).toBe(true);
    for (const s of ['', 'NaN', '0x10', '1,5', 'Infinity', '1 2', 'abc'])
      expect(isNumericCell(s)).toBe(false);
  });
});

describe('validateTable', () => {
  const schema = censusSchema();
  const census = readCensusTable('adult.data');
  const slice = (cols: string[], rows: string[][]) => ({
    columns: cols,
    rows,
    source: 'test.csv',
    lines: rows.map((_r, i) => i + 2),
  });

  it('accepts real census rows', () => {
    expect(() => validateTable(census, schema)).not.toThrow();
  });

  it('names a missing column', () => {
    const cols = [...census.columns].filter((c) => c !== 'Sex');
    const rows = census.rows.slice(0, 3).map((r) => r.filter((_v, i) => census.columns[i] !== 'Sex'));
    expect(() => validateTable(slice(cols, rows), schema)).toThrow(/columns: test\.csv lacks "Sex"/);
  });

  it('names an extra column', () => {
    const rows = census.rows.slice(0, 3).map((r) => [...r, '1']);
    expect(() => validateTable(slice([...census.columns, 'Zip'], rows), schema)).toThrow(/unexpected "Zip"/);
  });

  it('names the column, line and value of a non-number in a numeric column', () => {
    const rows = census.rows.slice(0, 3).map((r) => [...r]);
    rows[1][0] = 'thirty';
    expect(() => validateTable(slice([...census.columns], rows), schema)).toThrow(
      /column "Age": test\.csv line 3: "thirty" is not a number/,
    );
  });

  it('asks for the target only when required', () => {
    const cols = [...census.columns].filter((c) => c !== 'Target');
    const rows = census.rows.slice(0, 2).map((r) => r.slice(0, -1));
    expect(() => validateTable(slice(cols, rows), schema)).toThrow(/lacks "Target \(target\)"/);
    expect(() => validateTable(slice(cols, rows), schema, { requireTarget: false })).not.toThrow();
    expect(() => validateTable(parseCsv('a\n1\n'), schema)).toThrow(/lacks "Age"/);
  });
});
