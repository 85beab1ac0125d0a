import { z } from 'zod';
import { OrderlensInputError } from '../errors/errors.js';
import { plainZodMessage } from './parse-options.js';

/**
 * What a field of an option block says besides its type, range, default and description (which
 * the zod schema itself holds): how the command line names it, and how the value is treated.
 */
export interface OptionMeta {
  /**
   * CLI flag with its argument, e.g. `--grid <RxC>` or `--no-normalization`: given by a package
   * that owns the flag (an adapter). Core's own blocks name no flag; the CLI does, by key.
   */
  readonly flag?: string;
  /** The argument's placeholder in help where the CLI names the flag, e.g. `<k>`; none for a switch. */
  readonly argument?: string;
  /** Whether it changes the numbers (fingerprinted for resume); default true. */
  readonly affectsResult?: boolean;
  /**
   * Whether the value names files or folders to read (a data folder, a CSV, `idx:<a>,<b>`):
   * studies confine such values to the study folder and workers to their `--root`s, each part
   * of a composite spec on its own (`optionPaths`, docs/security.md). Default false.
   */
  readonly path?: boolean;
}

/** The command-line metadata of option-block fields, kept beside the schemas (zod holds the rest). */
const FIELD_META = z.registry<OptionMeta>();

/**
 * One field of an option block: `schema` (type, range, `.default()`, `.describe()`) with how the
 * command line names it. The description must be given with `.describe()`: help is derived from it.
 */
export function optionField<S extends z.ZodType>(schema: S, meta: OptionMeta): S {
  FIELD_META.add(schema, meta);
  return schema;
}

/** One field of a block as help and front ends see it: read from its schema and metadata. */
export interface OptionFieldDescriptor extends OptionMeta {
  /** Key in the parsed options (camelCase), e.g. `grid`: the field's logical path. */
  readonly key: string;
  readonly description: string;
  readonly default?: string | number | boolean;
}

/**
 * One option of an option block as the front ends see it, derived from the block's schema:
 * the CLI (`orderlens analyze <modality>`) registers a flag from it, study files and worker
 * payloads name and check it by its key.
 */
export interface OptionDescriptor extends OptionFieldDescriptor {
  /** CLI flag with its argument, e.g. `--grid <RxC>` (an adapter's options all name theirs). */
  readonly flag: string;
  /**
   * How the raw value is read: `string` as is, `integer`/`number` checked against min/max,
   * `boolean` a switch, `list` a comma-separated list of numbers, `strings` a repeatable flag.
   */
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'list' | 'strings';
  readonly min?: number;
  readonly max?: number;
  /** Allowed values of a string option. */
  readonly choices?: readonly string[];
}

/**
 * A block of options described once as a zod object schema: the {@link descriptors} (flags,
 * help, defaults) are derived from it, and {@link parseOptionBlock} validates by it.
 */
export interface OptionBlock<T = Record<string, unknown>> {
  readonly schema: z.ZodType<T> & { readonly shape: Readonly<Record<string, z.ZodType>> };
  readonly descriptors: readonly OptionDescriptor[];
}

/** zod's definition record, read for introspection (its public getters differ per class). */
interface ZodDef {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly element?: z.ZodType;
}

const defOf = (s: z.ZodType): ZodDef => (s as unknown as { def: ZodDef }).def;

/** The field's schema under its `.default()` / `.optional()` wrappers, and its default. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; default?: unknown } {
  let inner = schema;
  let dflt: unknown;
  for (;;) {
    const def = defOf(inner);
    // `.prefault()` is a default given as raw input (a flag's text), read by the field's schema.
    if (def.type === 'default' || def.type === 'prefault') dflt = def.defaultValue;
    else if (def.type !== 'optional') return { inner, default: dflt };
    inner = def.innerType as z.ZodType;
  }
}

/** What every field says: key, description, default and command-line metadata. */
function describeField(key: string, schema: z.ZodType): OptionFieldDescriptor & { inner: z.ZodType } {
  if (!FIELD_META.has(schema)) throw new Error(`option "${key}": declare it with optionField(schema, { … })`);
  // zod answers an empty entry (a switch without argument) as undefined.
  const meta = FIELD_META.get(schema) ?? {};
  const description = schema.description;
  if (!description) throw new Error(`option "${key}" has no description: give it with .describe()`);
  const { inner, default: dflt } = unwrap(schema);
  return {
    key,
    ...meta,
    description,
    ...(dflt !== undefined ? { default: dflt as string | number | boolean } : {}),
    inner,
  };
}

/** The descriptor of an adapter's field `key`: its flag, and the type its raw value is read in. */
export function describeOptionField(key: string, schema: z.ZodType): OptionDescriptor {
  const { inner, flag, ...field } = describeField(key, schema);
  if (flag === undefined)
    throw new Error(`option "${key}" has no flag: give it in optionField(schema, { flag })`);
  const def = defOf(inner);
  const num = inner as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
  // `.int()` bounds a number to the safe integers by itself; only bounds the schema sets are shown.
  const set = (v: number | null): v is number =>
    Number.isFinite(v) && Math.abs(v!) !== Number.MAX_SAFE_INTEGER;
  const range = (n: typeof num) => ({
    ...(set(n.minValue) ? { min: n.minValue } : {}),
    ...(set(n.maxValue) ? { max: n.maxValue } : {}),
  });
  let typed: Pick<OptionDescriptor, 'type' | 'min' | 'max' | 'choices'>;
  if (def.type === 'number') typed = { type: num.isInt ? 'integer' : 'number', ...range(num) };
  else if (def.type === 'boolean') typed = { type: 'boolean' };
  else if (def.type === 'string') typed = { type: 'string' };
  else if (def.type === 'enum')
    typed = { type: 'string', choices: (inner as unknown as { options: string[] }).options };
  else if (def.type === 'array' && defOf(def.element as z.ZodType).type === 'number')
    typed = { type: 'list' };
  else if (def.type === 'array' && defOf(def.element as z.ZodType).type === 'string')
    typed = { type: 'strings' };
  else throw new Error(`option "${key}": a ${def.type} schema has no command-line form`);
  const { key: _key, description, ...rest } = field;
  return { key, flag, description, ...typed, ...rest };
}

/**
 * Declares an option block: each field a zod schema with `.describe()` (and `.default()`)
 * wrapped in {@link optionField}. Fields keep their order (the order of `--help` and of the parsed
 * options, which are fingerprinted).
 */
export function optionBlock<Shape extends Record<string, z.ZodType>>(
  shape: Shape,
): OptionBlock<z.output<z.ZodObject<Shape>>> {
  const schema = z.object(shape);
  const descriptors = Object.entries(shape).map(([key, s]) => describeOptionField(key, s));
  return { schema: schema as unknown as OptionBlock<z.output<z.ZodObject<Shape>>>['schema'], descriptors };
}

/** The flag name of a descriptor without its argument, e.g. `--grid`. */
export function flagName(d: Pick<OptionDescriptor, 'flag'>): string {
  return d.flag.split(/[ =]/)[0];
}

/** A number from a flag string or a number (range checks are the schema's). */
function readNumber(raw: unknown, field: string, integer: boolean): number {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw new OrderlensInputError(
      field,
      `expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`,
    );
  return v;
}

/** A raw value (a CLI string, a study-file value) in the type its descriptor says. */
function coerce(d: OptionDescriptor, value: unknown, field: string): unknown {
  switch (d.type) {
    case 'string': {
      const s = String(value);
      if (d.choices && !d.choices.includes(s))
        throw new OrderlensInputError(field, `expected one of ${d.choices.join(', ')}, got "${s}"`);
      return s;
    }
    case 'integer':
    case 'number':
      return readNumber(value, field, d.type === 'integer');
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
        throw new OrderlensInputError(field, `expected true or false, got ${JSON.stringify(value)}`);
      return value === true || value === 'true';
    case 'list': {
      const items = Array.isArray(value) ? value : String(value).split(',');
      if (items.length === 0 || items.some((x) => String(x).trim() === ''))
        throw new OrderlensInputError(
          field,
          `expected a comma-separated list of numbers, got ${JSON.stringify(value)}`,
        );
      return items.map((x) => readNumber(typeof x === 'string' ? x.trim() : x, field, false));
    }
    case 'strings':
      return (Array.isArray(value) ? value : [value]).map(String);
  }
}

/**
 * Reads a block's options from raw values (CLI strings, study-file values): unknown keys
 * refused, each value read in its type, then the schema checks ranges and rules and fills
 * defaults. Errors name the field by `fieldOf` — the flag (`--grid`) by default, a study-file
 * path (`models[2].options.grid`) for studies.
 */
export function parseOptionBlock<T>(
  block: OptionBlock<T>,
  raw: Readonly<Record<string, unknown>>,
  fieldOf: (d: OptionDescriptor) => string = flagName,
): T {
  const known = new Map(block.descriptors.map((d) => [d.key, d]));
  for (const k of Object.keys(raw))
    if (!known.has(k) && raw[k] !== undefined)
      throw new OrderlensInputError(k, `unknown option; expected one of ${[...known.keys()].join(', ')}`);
  const typed: Record<string, unknown> = {};
  for (const d of block.descriptors)
    if (raw[d.key] !== undefined) typed[d.key] = coerce(d, raw[d.key], fieldOf(d));
  const res = block.schema.safeParse(typed);
  if (res.success) return res.data;
  throw blockError(res.error.issues[0], typed, (key) => {
    const d = known.get(key);
    return d && fieldOf(d);
  });
}

/** The help line of a descriptor: its description, and its default when it has one. */
export function optionHelp(d: OptionFieldDescriptor): string {
  return d.description + (d.default !== undefined ? ` (default ${String(d.default)})` : '');
}

/**
 * A block of settings that core owns and names by key (the analysis settings): each field's
 * schema reads the raw value itself (a CLI string or a study-file value) with messages in the
 * CLI's words; front ends name the fields (the CLI by its flag table, studies by file path).
 */
export interface SettingsBlock<
  T = Record<string, unknown>,
  Shape extends Record<string, z.ZodType> = Record<string, z.ZodType>,
> {
  /** The block's object schema; its `shape` keeps each field's schema by key (studies reuse them). */
  readonly schema: z.ZodType<T> & { readonly shape: Readonly<Shape> };
  readonly descriptors: readonly OptionFieldDescriptor[];
}

/** Declares a {@link SettingsBlock}: fields with `.describe()`, wrapped in {@link optionField}. */
export function settingsBlock<Shape extends Record<string, z.ZodType>>(
  shape: Shape,
): SettingsBlock<z.output<z.ZodObject<Shape>>, Shape> {
  const schema = z.object(shape);
  const descriptors = Object.entries(shape).map(([key, s]) => {
    const { inner: _inner, ...d } = describeField(key, s);
    return d;
  });
  return {
    schema: schema as unknown as SettingsBlock<z.output<z.ZodObject<Shape>>, Shape>['schema'],
    descriptors,
  };
}

/**
 * Reads a settings block from raw values; the first problem names its field through `fieldOf`
 * (the key, a logical path, by default) with any index after it (`ratios[2]`).
 */
export function parseSettingsBlock<T>(
  block: SettingsBlock<T>,
  raw: object,
  fieldOf: (key: string) => string = (key) => key,
): T {
  const res = block.schema.safeParse(raw);
  if (res.success) return res.data;
  throw blockError(res.error.issues[0], raw, fieldOf);
}

/**
 * The first zod issue of a block as an input error: its field named by `fieldOf(key)` and any
 * index after it (`--mean[1]`), the value shown when the message does not show it already.
 */
function blockError(
  issue: z.core.$ZodIssue,
  values: object,
  fieldOf: (key: string) => string | undefined,
): OrderlensInputError {
  const [key, ...rest] = issue.path.map(String);
  const named = key === undefined ? undefined : fieldOf(key);
  const field = named === undefined ? 'options' : named + rest.map((p) => `[${p}]`).join('');
  let got: unknown = values;
  for (const k of issue.path)
    got = got !== null && typeof got === 'object' ? (got as Record<PropertyKey, unknown>)[k] : undefined;
  const message = plainZodMessage(issue.message);
  const shown = ['number', 'string', 'boolean'].includes(typeof got) && !/, got /.test(message);
  return new OrderlensInputError(field, shown ? `${message}, got ${JSON.stringify(got)}` : message);
}
