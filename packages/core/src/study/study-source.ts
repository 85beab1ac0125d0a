import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { OrderlensInputError } from '../errors/errors.js';

/** A path into a study document, e.g. `['models', 2, 'options', 'grid']`. */
export type StudyPath = ReadonlyArray<string | number>;

/**
 * An error in a study file, naming the file, the line and column, and the field:
 * `examples/studies/quick.yaml:14:7 models[2].options.grid: expected an integer, got "x"`.
 */
export class StudyFileError extends OrderlensInputError {
  /** The study file as the user named it. */
  readonly file: string;
  /** 1-based line and column of the offending field (its key, or the nearest enclosing node). */
  readonly line: number;
  readonly column: number;
  /** The field, e.g. `models[2].options.grid` (empty for a syntax error). */
  readonly path: string;
  constructor(file: string, line: number, column: number, path: string, message: string) {
    super(`${file}:${line}:${column}${path ? ` ${path}` : ''}`, message);
    this.name = 'OrderlensInputError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.path = path;
  }
}

/** A study file read and parsed, with what it takes to point at a line. */
export interface StudySource {
  /** Absolute path. */
  readonly file: string;
  /** The path as the user gave it (used in messages). */
  readonly display: string;
  /** Folder of the file: relative model and data paths are resolved against it. */
  readonly dir: string;
  readonly text: string;
  /** The parsed document (plain data). */
  readonly data: unknown;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/**
 * Reads a study file (YAML, or JSON, which YAML reads too) keeping node positions. A syntax
 * error (duplicate keys included) is a {@link StudyFileError} at its line.
 */
export function readStudySource(path: string, field = 'study'): StudySource {
  const file = resolve(path);
  if (!existsSync(file)) throw new OrderlensInputError(field, `${path} does not exist`);
  if (statSync(file).isDirectory())
    throw new OrderlensInputError(field, `${path} is a folder, not a study file`);
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    throw new StudyFileError(path, pos.line, pos.col, '', err.message.split('\n')[0]);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  return { file, display: path, dir: dirname(file), text, data, doc, lines };
}

/** `models[2].options.grid` for `['models', 2, 'options', 'grid']`. */
export function formatStudyPath(path: StudyPath): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? p : `.${p}`)).join('');
}

/** The path of a field string such as `models[2].ratios[1]`, or undefined if it is not one. */
export function parseStudyPath(field: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  const re = /\[(\d+)\]|\.?([A-Za-z_$][\w$-]*)/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < field.length && (m = re.exec(field))) {
    out.push(m[1] !== undefined ? Number(m[1]) : m[2]);
    at = re.lastIndex;
  }
  return at === field.length && out.length > 0 && typeof out[0] === 'string' ? out : undefined;
}

/**
 * Line and column of `path` in the document: the key of the deepest existing map entry along
 * it (or the item of a list), so a missing field points at the object that lacks it.
 */
export function locateStudyPath(source: StudySource, path: StudyPath): { line: number; column: number } {
  let node: unknown = source.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) break;
      offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  const pos = source.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/** A {@link StudyFileError} at `path`. */
export function studyError(source: StudySource, path: StudyPath, message: string): StudyFileError {
  const { line, column } = locateStudyPath(source, path);
  return new StudyFileError(source.display, line, column, formatStudyPath(path), message);
}

/**
 * Runs `fn`; an {@link OrderlensInputError} whose field is a path of the study
 * (`models[2].options.grid`, as the study's field namers produce) becomes a
 * {@link StudyFileError} at that field's line. Other errors pass unchanged.
 */
export function atStudyFields<T>(source: StudySource, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw locateError(source, e);
  }
}

/** The located form of `e` (see {@link atStudyFields}); `e` itself when it names no study field. */
export function locateError(source: StudySource, e: unknown): unknown {
  if (!(e instanceof OrderlensInputError) || e instanceof StudyFileError) return e;
  const path = parseStudyPath(e.field);
  if (!path || !['models', 'defaults', 'seed', 'name', 'device'].includes(String(path[0]))) return e;
  return studyError(source, path, e.message.slice(e.field.length + 2));
}
