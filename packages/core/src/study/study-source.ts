import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
} from 'yaml';
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
  const stat = statSync(file);
  if (stat.isDirectory()) throw new OrderlensInputError(field, `${path} is a folder, not a study file`);
  if (stat.size > MAX_STUDY_BYTES)
    throw new StudyFileError(
      path,
      1,
      1,
      '',
      `the file is ${stat.size} bytes; a study file may be at most ${MAX_STUDY_BYTES} bytes (1 MiB)`,
    );
  const text = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  // Before the parser sees it: a few thousand nested brackets overflow its (recursive) stack.
  const deep = flowNestingBeyond(text, MAX_STUDY_DEPTH);
  if (deep !== undefined) {
    const before = text.slice(0, deep).split('\n');
    // Not parsed yet, so the field is the top-level key the brackets sit under.
    const key = before
      .reverse()
      .map((l) => /^([A-Za-z_][\w.-]*)\s*:/.exec(l)?.[1])
      .find((k) => k !== undefined);
    throw new StudyFileError(
      path,
      before.length,
      before[0].length + 1,
      key ?? '',
      `brackets nested more than ${MAX_STUDY_DEPTH} deep; a study file is a few levels of settings`,
    );
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const err = doc.errors[0];
  if (err) {
    const pos = lines.linePos(err.pos[0]);
    throw new StudyFileError(path, pos.line, pos.col, '', err.message.split('\n')[0]);
  }
  refuseYamlFeatures(doc, lines, path);
  const data: unknown = doc.toJS();
  return { file, display: path, dir: dirname(file), text, data, doc, lines };
}

/** Largest study file read (a study of hundreds of models is a few kilobytes). */
export const MAX_STUDY_BYTES = 1 << 20;
/** Deepest nesting of maps and lists in a study file (its schema needs six levels). */
export const MAX_STUDY_DEPTH = 32;

/**
 * Offset of the first `[` or `{` that opens a flow collection nested deeper than `limit`, or
 * undefined. Quoted scalars and comments are skipped, so brackets inside strings do not count.
 */
function flowNestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      // A quote only opens a quoted scalar at the start of one; elsewhere (it's) it is text.
      if (i > 0 && !/[\s[{,:]/.test(text[i - 1])) continue;
      for (i++; i < text.length && text[i] !== c; i++) if (c === '"' && text[i] === '\\') i++;
    } else if (c === '[' || c === '{') {
      if (++depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

/**
 * Refuses what a study file has no use for and what makes YAML dangerous to read: aliases
 * (`*name`, which an "alias bomb" nests into billions of nodes), merge keys (`<<`, which the YAML
 * 1.2 schema reads as an ordinary key and a reader would take as a field), and block nesting
 * deeper than {@link MAX_STUDY_DEPTH}. Each is an error at its line and column naming its field.
 * Settings shared by models belong under `defaults:`.
 */
function refuseYamlFeatures(doc: Document, lines: LineCounter, display: string): void {
  const fail = (node: Node, ancestors: readonly unknown[], message: string): never => {
    const pos = lines.linePos(node.range?.[0] ?? 0);
    throw new StudyFileError(display, pos.line, pos.col, formatStudyPath(pathOf(ancestors, node)), message);
  };
  visit(doc, {
    Alias(_key, node, ancestors) {
      fail(
        node,
        ancestors,
        `YAML aliases (*${node.source}) are not allowed in a study file; write the value out, or put settings shared by models under defaults:`,
      );
    },
    Pair(_key, pair, ancestors) {
      if (isScalar(pair.key) && pair.key.value === '<<')
        fail(
          pair.key,
          [...ancestors, pair],
          'YAML merge keys (<<) are not allowed in a study file; put settings shared by models under defaults:',
        );
    },
    Node(_key, node, ancestors) {
      if (ancestors.filter((a) => isCollection(a)).length >= MAX_STUDY_DEPTH)
        fail(
          node,
          ancestors,
          `nested more than ${MAX_STUDY_DEPTH} deep; a study file is a few levels of settings`,
        );
    },
  });
}

/** The study path of `node` from the ancestors `visit` gives (maps by key, lists by index). */
function pathOf(ancestors: readonly unknown[], node: unknown): Array<string | number> {
  const out: Array<string | number> = [];
  const chain = [...ancestors, node];
  for (let k = 0; k < chain.length - 1; k++) {
    const a = chain[k];
    const next = chain[k + 1];
    if (isPair(a)) {
      if (next === a.value) out.push(isScalar(a.key) ? String(a.key.value) : String(a.key));
    } else if (isSeq(a)) out.push(a.items.indexOf(next as never));
  }
  return out;
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
