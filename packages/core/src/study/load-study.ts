import { optionName } from '../errors/option-names.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { adapters } from '../adapter/registry.js';
import { flagName, parseAdapterOptions } from '../adapter/option-values.js';
import type { ModalityAdapter } from '../adapter/modality-adapter.js';
import {
  ANALYSIS_SETTING_KEYS,
  planAnalysis,
  resultAdapterOptions,
  type AnalysisPlan,
  type AnalysisSettingKey,
  type AnalysisSettings,
} from '../analysis/plan.js';
import { hashOptions } from '../analysis/run-store.js';
import { plainZodMessage } from '../options/parse-options.js';
import { parseRewardName, type RewardName } from '../reward/reward.js';
import { hashFiles } from '../runtime/runner-registry.js';
import { joinPathSpec, looksLikePath, resolveInRoots, splitPathSpec } from '../files/confine.js';
import { parseDevice, type DeviceName } from '../runtime/device-policy.js';
import {
  studyDefaultsSchema,
  studyEntrySchema,
  studyFileSchema,
  type StudyDefaults,
  type StudyEntry,
  type StudyFile,
} from './study-schema.js';
import { OrderlensInputError } from '../errors/errors.js';
import {
  atStudyFields,
  locateError,
  readStudySource,
  studyError,
  formatStudyPath,
  type StudyPath,
  type StudySource,
} from './study-source.js';

/** One analysis of a study: one model entry at one seed (a folder `models/<id>/`). */
export interface StudyModel {
  /** Folder name and key: the entry's id, or `<id>.seed-<s>` when the entry lists several seeds. */
  readonly id: string;
  /** The entry's id. */
  readonly entry: string;
  /** Position of the entry in `models`. */
  readonly index: number;
  readonly modality: string;
  readonly model: {
    /** As written in the study file. */
    readonly path: string;
    /** Absolute. */
    readonly file: string;
    /** sha256 of the model's bytes (a folder: every file in it, by relative path). */
    readonly sha256: string;
  };
  readonly seed: number | string;
  readonly reward: RewardName;
  /** The analysis plan; its adapter options have relative paths resolved against the study. */
  readonly plan: AnalysisPlan;
  /** Coalitions per model call (never changes the numbers). */
  readonly batchSize?: number;
  /** Noise sensitivity to measure too (`noise` of the entry or its modality's defaults). */
  readonly noise?: { readonly delta: number; readonly draws: number };
  /**
   * What determines this model's numbers, as hashed into the study: the settings with adapter
   * options as written (not resolved), so a study folder moved with its files keeps its hash.
   */
  readonly settings: Record<string, unknown>;
  /**
   * Set only by `loadStudy(…, { perModel: true })` (a worker): why a path of this model lies
   * outside the roots. Such a model was not hashed (`model.sha256` is empty) nor opened; the
   * other models of the study stay usable.
   */
  readonly refused?: Error;
}

/** A study file read, validated and planned: every model's analysis known before any work. */
export interface Study {
  readonly source: StudySource;
  readonly file: StudyFile;
  readonly name: string;
  readonly models: readonly StudyModel[];
  /** sha256 over every model's {@link StudyModel.settings}: a resume with another hash is refused. */
  readonly hash: string;
  readonly device?: DeviceName;
}

/** Where a study may read from, besides its own folder (see {@link loadStudy}). */
export interface StudyReadRoots {
  /**
   * Folders the user named (`study run --root`, a worker's `--root`s). A study file is
   * untrusted input: its model and data paths must lie inside its own folder or one of these.
   */
  readonly roots?: readonly string[];
  /** Whether the study's own folder is a root (default true; a worker passes false: only its roots). */
  readonly studyFolder?: boolean;
  /** How the user adds a root, named in refusals (default `add --root <dir> to allow another folder`). */
  readonly hint?: string;
  /**
   * Keep a model whose paths lie outside the roots, unhashed and marked
   * {@link StudyModel.refused}, instead of refusing the whole study (a worker refuses only
   * the jobs of that model). Default false.
   */
  readonly perModel?: boolean;
}

/**
 * Reads and checks a study file completely — schema, modalities, model files, every adapter
 * option (by the adapter's descriptors), protocol, estimator and its options, pairs, selection,
 * reward — before any model is opened. Every error names the file, line and field. Adapters and
 * estimators must be registered (import the plugin packages first).
 *
 * Every path the study names (models, and each part of a path-valued option such as
 * `sentences`, `csv` or `idx:<images>,<labels>`) is resolved with symlinks and must lie inside
 * the study's folder or one of `read.roots`; it is checked before anything there is opened
 * (the model is hashed only after), and refused naming the file, line and field otherwise.
 */
export function loadStudy(path: string, read: StudyReadRoots = {}): Study {
  const source = readStudySource(path);
  const confine = studyConfinement(source, read);
  const file = validate(source, studyFileSchema, source.data, []);
  const defaults = file.defaults ?? {};
  for (const modality of Object.keys(defaults))
    if (!adapters.has(modality))
      throw studyError(
        source,
        ['defaults', modality],
        `unknown modality "${modality}"; registered: ${adapters.names().join(', ') || '(none)'}`,
      );
  const device =
    file.device !== undefined ? atStudyFields(source, () => parseDevice(file.device, 'device')) : undefined;
  const models: StudyModel[] = [];
  const seen = new Map<string, number>();
  const entries = new Map<string, number>();
  for (const [index, entry] of file.models.entries()) {
    const twin = entries.get(entry.id);
    if (twin !== undefined)
      throw studyError(
        source,
        ['models', index, 'id'],
        `duplicate model id "${entry.id}" (also models[${twin}])`,
      );
    entries.set(entry.id, index);
    for (const m of planEntry(source, file, entry, index, defaults[entry.modality] ?? {}, confine, read)) {
      const before = seen.get(m.id);
      if (before !== undefined)
        throw studyError(
          source,
          ['models', index, 'id'],
          `duplicate model id "${m.id}" (also models[${before}])`,
        );
      seen.set(m.id, index);
      models.push(m);
    }
  }
  return {
    source,
    file,
    name: file.name,
    models,
    hash: studyHash(models),
    ...(device ? { device } : {}),
  };
}

/** sha256 of what determines a study's numbers (model hashes are checked on their own). */
export function studyHash(models: readonly Pick<StudyModel, 'id' | 'settings'>[]): string {
  return hashOptions({ models: models.map((m) => ({ id: m.id, ...m.settings })) });
}

/** Validates with zod; the first issue becomes a {@link StudyFileError} at its field. */
function validate<T>(source: StudySource, schema: z.ZodType<T>, value: unknown, at: StudyPath): T {
  const res = schema.safeParse(value);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const path = [...at, ...(issue.path as Array<string | number>)];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const shape = shapeAt(path);
    throw studyError(
      source,
      [...path, key],
      `unknown field${shape ? `; expected one of ${shape.join(', ')}` : ''}`,
    );
  }
  const message = plainZodMessage(issue.message.replace(/^Invalid input: /, ''));
  if (issue.code === 'invalid_type' && /received undefined$/.test(message))
    throw studyError(
      source,
      path,
      `required field is missing (${message.replace(/, received undefined$/, '')})`,
    );
  // The value as written, so "expected an integer" says what it got (`seed: 0.5`).
  const got = valueAt(value, issue.path as Array<string | number>);
  const shown = typeof got === 'number' || typeof got === 'string' || typeof got === 'boolean';
  throw studyError(
    source,
    path,
    shown && !/, got /.test(message) ? `${message}, got ${JSON.stringify(got)}` : message,
  );
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function shapeAt(path: StudyPath): string[] | undefined {
  if (path.length === 0) return Object.keys(studyFileSchema.shape);
  if (path[0] === 'models' && path.length === 2) return Object.keys(studyEntrySchema.shape);
  if (path[0] === 'defaults' && path.length === 2) return Object.keys(studyDefaultsSchema.shape);
  return undefined;
}

/** Settings that the CLI has as single flags (everything of an entry but options and seeds). */
const SETTING_KEYS: readonly AnalysisSettingKey[] = ANALYSIS_SETTING_KEYS;

/** One entry (with its modality's defaults under it) → one model per seed. */
function planEntry(
  source: StudySource,
  file: StudyFile,
  entry: StudyEntry,
  index: number,
  defaults: StudyDefaults,
  confineStrict: Confine,
  read: StudyReadRoots,
): StudyModel[] {
  // Per model (a worker): a refusal is kept, located, and the model is neither probed nor hashed.
  let refused: Error | undefined;
  const confine: Confine = (ref, field) => {
    try {
      return confineStrict(ref, field);
    } catch (e) {
      if (read.perModel !== true || !(e instanceof OrderlensInputError)) throw e;
      refused ??= locateError(source, e) as Error;
      return ref;
    }
  };
  const at = (key: string): StudyPath =>
    key in entry ? ['models', index, key] : ['defaults', entry.modality, key];
  const adapter = atStudyFields(source, () => adapters.get(entry.modality, `models[${index}].modality`));
  const modelFile = resolve(source.dir, entry.model);
  // Confined before existsSync: not even the existence of a file outside the roots is probed.
  atStudyFields(source, () => confine(entry.model, `models[${index}].model`));
  if (refused === undefined && !existsSync(modelFile))
    throw studyError(
      source,
      ['models', index, 'model'],
      `${entry.model} does not exist (resolved against the study's folder: ${modelFile})`,
    );
  const pick = <K extends keyof StudyDefaults>(key: K): StudyDefaults[K] =>
    entry[key] !== undefined ? entry[key] : defaults[key];
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) if (pick(key) !== undefined) settings[key] = pick(key);
  // Options merge key by key: an entry names only what differs from its modality's defaults.
  const rawOptions: Record<string, unknown> = { ...(defaults.options ?? {}), ...(entry.options ?? {}) };
  const optionPath = (key: string): StudyPath =>
    entry.options && key in entry.options
      ? ['models', index, 'options', key]
      : ['defaults', entry.modality, 'options', key];
  const shared = sharedDescriptors(adapter);
  for (const key of Object.keys(rawOptions)) {
    const d = adapter.options.descriptors.find((o) => o.key === key);
    if (!d)
      throw studyError(
        source,
        optionPath(key),
        `unknown ${adapter.name} option; expected one of ${adapter.options.descriptors
          .filter((o) => !shared.has(o.key))
          .map((o) => o.key)
          .join(', ')}`,
      );
    if (shared.has(key))
      throw studyError(
        source,
        optionPath(key),
        `set it as the model's "${shared.get(key)}" (shared with the estimator, as ${flagName(d)} is on the command line)`,
      );
  }
  // A shared option (pointcloud's --max-players) reads the entry setting, as the CLI flag does.
  for (const [key, setting] of shared)
    if (settings[setting] !== undefined) rawOptions[key] = settings[setting];
  const written = atStudyFields(source, () =>
    parseAdapterOptions(adapter.options, rawOptions, (d) =>
      shared.has(d.key) ? formatStudyPath(at(shared.get(d.key)!)) : formatStudyPath(optionPath(d.key)),
    ),
  );
  const plan = atStudyFields(source, () =>
    planAnalysis(
      adapter,
      settings as AnalysisSettings,
      resolvePaths(adapter, written, source.dir, (v, key) => confine(v, formatStudyPath(optionPath(key)))),
      (key) => formatStudyPath(at(key)),
      (key) => formatStudyPath(optionPath(key)),
    ),
  );
  const reward = atStudyFields(source, () =>
    parseRewardName(pick('reward') ?? 'log-odds', formatStudyPath(at('reward'))),
  );
  const seeds = pick('seeds') ?? [file.seed ?? 0];
  const sha256 = refused === undefined ? hashModelPath(modelFile) : '';
  const batchSize = pick('batchSize');
  const noise = pick('noise');
  return seeds.map((seed) => {
    const id = seeds.length > 1 ? `${entry.id}.seed-${seed}` : entry.id;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(id))
      throw studyError(
        source,
        [...at('seeds')],
        `seed ${JSON.stringify(seed)} does not make a folder name: ${id}`,
      );
    return {
      id,
      entry: entry.id,
      index,
      modality: adapter.name,
      model: { path: entry.model, file: modelFile, sha256 },
      seed,
      reward,
      plan,
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(noise !== undefined ? { noise } : {}),
      ...(refused !== undefined ? { refused } : {}),
      settings: {
        modality: adapter.name,
        model: entry.model,
        seed,
        reward,
        protocol: plan.protocol,
        estimator: { name: plan.estimatorName, options: plan.estimatorOptions },
        pairs: plan.pairs ?? null,
        selection: plan.selection,
        options: resultAdapterOptions({ ...plan, adapterOptions: written }),
        ...(noise !== undefined ? { noise } : {}),
      },
    };
  });
}

/** Adapter options that are also a shared analysis setting (`maxPlayers`) → the setting key. */
function sharedDescriptors(adapter: ModalityAdapter): Map<string, AnalysisSettingKey> {
  const out = new Map<string, AnalysisSettingKey>();
  for (const d of adapter.options.descriptors) {
    const setting = SETTING_KEYS.find((k) => k === d.key);
    if (setting) out.set(d.key, setting);
  }
  return out;
}

/** Checks one path of a study against its roots; returns the real path. */
type Confine = (ref: string, field: string) => string;

/** The confinement rule of one study: its folder (unless a worker said not) and the roots named. */
function studyConfinement(source: StudySource, read: StudyReadRoots): Confine {
  const roots = [...(read.studyFolder === false ? [] : [source.dir]), ...(read.roots ?? [])];
  const what =
    read.studyFolder === false
      ? `the folders this worker may read (${optionName('root')})`
      : read.roots?.length
        ? `the study folder and the ${optionName('root')} folders`
        : 'the study folder';
  const rule = `a study may read only files under ${what}; ${read.hint ?? `add ${optionName('root')} <dir> to allow another folder`}`;
  return (ref, field) => resolveInRoots(roots, resolve(source.dir, ref), field, what, rule);
}

/**
 * Relative paths in string options (data folders, CSV files, `fashion-mnist:<folder>`) are
 * meant relative to the study file, as its model paths are. Path-valued options (descriptors
 * with `path: true`) are split into their parts (`idx:<images>,<labels>`) and each part that is
 * a path is made absolute against the study's folder and confined by `confine`; names of
 * shipped data (`census`, `cifar10`, `modelnet10:test`) stay as written. In other string
 * options, a value that names an existing file beside the study becomes absolute, as before.
 */
function resolvePaths(
  adapter: ModalityAdapter,
  options: Record<string, unknown>,
  dir: string,
  confine: (ref: string, key: string) => string,
): Record<string, unknown> {
  const one = (v: string): string => {
    if (v === '' || isAbsolute(v)) return v;
    if (existsSync(join(dir, v))) return resolve(dir, v);
    const m = /^([A-Za-z][\w-]*):(.+)$/.exec(v);
    if (m && !isAbsolute(m[2]) && existsSync(join(dir, m[2]))) return `${m[1]}:${resolve(dir, m[2])}`;
    return v;
  };
  const confined = (v: string, key: string): string => {
    const spec = splitPathSpec(v);
    const parts = spec.parts.map((part) => {
      if (!looksLikePath(part, dir)) return part;
      // Checked here, before any reader sees it; the lexical absolute path is kept (not the real
      // one), so a result records what the study wrote.
      confine(part, key);
      return resolve(dir, part);
    });
    return joinPathSpec({ ...spec, parts });
  };
  const out: Record<string, unknown> = { ...options };
  for (const d of adapter.options.descriptors) {
    const v = out[d.key];
    const fix = d.path === true ? (x: string) => confined(x, d.key) : one;
    if (d.type === 'string' && typeof v === 'string') out[d.key] = fix(v);
    else if (d.type === 'strings' && Array.isArray(v)) out[d.key] = v.map((x) => fix(String(x)));
  }
  return out;
}

/**
 * sha256 of a model file (as the ONNX runtime hashes it: name and bytes), or of a model folder
 * (every file in it, by relative path, in sorted order).
 */
export function hashModelPath(file: string): string {
  if (!statSync(file).isDirectory()) return hashFiles([file]);
  const h = createHash('sha256');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
  for (const p of walk(file)) {
    h.update(relative(file, p));
    h.update(readFileSync(p));
  }
  return h.digest('hex');
}
