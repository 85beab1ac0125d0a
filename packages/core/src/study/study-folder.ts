import { optionName } from '../errors/option-names.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { OrderlensInputError } from '../errors/errors.js';
import { resolveInside } from '../files/resolve-inside.js';
import { canonicalJson } from '../analysis/run-store.js';
import { writeJsonAtomic } from '../result/estimate-result.js';
import type { Study, StudyModel } from './load-study.js';
import type { StudyFile } from './study-schema.js';

/** Schema tag of `<out>/study.json`. */
export const STUDY_MANIFEST_SCHEMA = 'orderlens/study-run@1';

/** One model of a study folder's manifest. */
export interface StudyManifestModel {
  readonly id: string;
  readonly entry: string;
  readonly modality: string;
  readonly model: StudyModel['model'];
  readonly seed: number | string;
  /** What determines its numbers (hashed into `studyHash`). */
  readonly settings: Record<string, unknown>;
  /** Its folder, relative to the study folder: `models/<id>`. */
  readonly dir: string;
}

/**
 * `<out>/study.json`: written when a study starts, checked on every resume. It holds the study
 * as validated (so a worker or a report needs nothing else), its hash, each model's hash and
 * the package versions that ran it.
 */
export interface StudyManifest {
  readonly schema: typeof STUDY_MANIFEST_SCHEMA;
  readonly name: string;
  /** Absolute path of the study file (relative model and data paths are resolved against it). */
  readonly file: string;
  readonly studyHash: string;
  readonly createdAt: string;
  readonly packages: Record<string, string>;
  readonly models: readonly StudyManifestModel[];
  /** The study file's content, validated. */
  readonly study: StudyFile;
}

/** The paths of a study folder (see docs/studies.md). */
export function studyPaths(out: string) {
  const dir = resolve(out);
  const modelDir = (id: string) => join(dir, 'models', id);
  return {
    dir,
    manifest: join(dir, 'study.json'),
    status: join(dir, 'status.json'),
    modelDir,
    result: (id: string) => join(modelDir(id), 'result.json'),
    run: (id: string) => join(modelDir(id), 'run'),
  };
}

/** Reads `<out>/study.json`; an input error naming `field` when it is missing or unreadable. */
export function readStudyManifest(out: string, field = 'out'): StudyManifest {
  // study.json symlinked out of the folder (a worker reads folders others wrote) is refused.
  const path = resolveInside(out, basename(studyPaths(out).manifest), field, {
    rootLabel: 'the study folder',
    rule: "a study folder's files must lie inside it",
  });
  if (!existsSync(path)) throw new OrderlensInputError(field, `${out} holds no study (no ${path})`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StudyManifest;
  } catch (e) {
    throw new OrderlensInputError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The manifest a study gets in a folder. */
export function studyManifest(study: Study, packages: Record<string, string>): StudyManifest {
  return {
    schema: STUDY_MANIFEST_SCHEMA,
    name: study.name,
    file: study.source.file,
    studyHash: study.hash,
    createdAt: new Date().toISOString(),
    packages,
    models: study.models.map((m) => ({
      id: m.id,
      entry: m.entry,
      modality: m.modality,
      model: m.model,
      seed: m.seed,
      settings: m.settings,
      dir: `models/${m.id}`,
    })),
    study: study.file,
  };
}

/**
 * Checks, writing nothing, that `study` may run into `out`: a folder that already holds a study
 * is continued only with `resume`, and only if the study is the same (same hash: same models,
 * settings and seeds) and every model file has the bytes it had — otherwise refused with what
 * changed. Returns the manifest found there (undefined for a new folder). `study run` calls it
 * before it plans, so a refused folder costs no warm-up.
 */
export function checkStudyFolder(
  study: Study,
  out: string,
  options: { resume?: boolean; field?: string } = {},
): StudyManifest | undefined {
  const field = options.field ?? 'out';
  const paths = studyPaths(out);
  if (!existsSync(paths.manifest)) return undefined;
  const previous = readStudyManifest(out, field);
  if (!options.resume)
    throw new OrderlensInputError(
      field,
      `${out} already holds the study "${previous.name}" (${paths.manifest}); pass ${optionName('resume')} to continue it, or choose another ${optionName('out')}`,
    );
  if (previous.studyHash !== study.hash)
    throw new OrderlensInputError(
      'resume',
      `${study.source.display} is not the study the run in ${out} was started with (${describeChange(previous, study)}); restore it, or run it into another ${optionName('out')}`,
    );
  for (const m of study.models) {
    const was = previous.models.find((p) => p.id === m.id);
    if (was && was.model.sha256 !== m.model.sha256)
      throw new OrderlensInputError(
        'resume',
        `model "${m.id}": ${m.model.path} is not the model the run in ${out} was started with (sha256 ${was.model.sha256.slice(0, 12)}… then, ${m.model.sha256.slice(0, 12)}… now); restore it, or run the study into another ${optionName('out')}`,
      );
  }
  return previous;
}

/**
 * Opens the study folder `out` for `study`: a new folder gets `study.json`; an existing one must
 * pass {@link checkStudyFolder}. Returns the manifest in force and warnings (other package
 * versions than the run started with).
 */
export function openStudyFolder(
  study: Study,
  out: string,
  options: { resume?: boolean; packages?: Record<string, string>; field?: string } = {},
): { manifest: StudyManifest; resumed: boolean; warnings: string[] } {
  const paths = studyPaths(out);
  const packages = options.packages ?? {};
  const previous = checkStudyFolder(study, out, options);
  if (!previous) {
    mkdirSync(paths.dir, { recursive: true });
    const manifest = studyManifest(study, packages);
    writeJsonAtomic(paths.manifest, manifest);
    return { manifest, resumed: false, warnings: [] };
  }
  const warnings = Object.keys({ ...previous.packages, ...packages })
    .filter((k) => previous.packages[k] !== packages[k])
    .map(
      (k) =>
        `${k} is ${packages[k] ?? 'absent'} now but was ${previous.packages[k] ?? 'absent'} when the study started`,
    );
  return { manifest: previous, resumed: true, warnings };
}

/** What differs between a study folder's manifest and a study: models added, removed, changed. */
function describeChange(previous: StudyManifest, study: Study): string {
  const before = new Map(previous.models.map((m) => [m.id, m]));
  const now = new Map(study.models.map((m) => [m.id, m]));
  const parts: string[] = [];
  const added = [...now.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !now.has(id));
  if (added.length) parts.push(`models added: ${added.join(', ')}`);
  if (removed.length) parts.push(`models removed: ${removed.join(', ')}`);
  for (const [id, m] of now) {
    const was = before.get(id);
    if (!was) continue;
    const changed = diffSettings(was.settings, m.settings);
    if (changed.length) parts.push(`model "${id}" changed: ${changed.join(', ')}`);
  }
  if (!parts.length && previous.models.map((m) => m.id).join() !== study.models.map((m) => m.id).join())
    parts.push('models reordered');
  return parts.join('; ') || 'settings changed';
}

/** Changed leaves of two settings objects, `selection.samples: 2 → 3`. */
function diffSettings(a: unknown, b: unknown, prefix = ''): string[] {
  if (canonicalJson(a) === canonicalJson(b)) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    return [...new Set([...Object.keys(ao), ...Object.keys(bo)])]
      .sort()
      .flatMap((k) => diffSettings(ao[k], bo[k], prefix ? `${prefix}.${k}` : k));
  }
  const show = (v: unknown) => (v === undefined ? '(unset)' : JSON.stringify(v));
  return [`${prefix || 'value'}: ${show(a)} → ${show(b)}`];
}
