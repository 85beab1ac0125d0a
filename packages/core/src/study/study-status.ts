import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SELECTION_UNIT, type StoredSample, type StoredSelection } from '../analysis/analysis-units.js';
import { writeJsonAtomic } from '../result/estimate-result.js';
import { readStudyManifest, studyPaths, type StudyManifest } from './study-folder.js';

/** Schema tag of `<out>/status.json`. */
export const STUDY_STATUS_SCHEMA = 'orderlens/study-status@1';

/** State of one model of a study. */
export type StudyModelState = 'pending' | 'running' | 'done' | 'failed';

/** Where one model of a study stands. */
export interface StudyModelStatus {
  readonly id: string;
  readonly modality: string;
  readonly state: StudyModelState;
  /** Samples of its selection; before the selection, the number asked for (`samplesKnown` false). */
  readonly samples: number | null;
  readonly samplesKnown: boolean;
  /** Finished sample units. */
  readonly done: number;
  /** Model calls (input rows) of every finished unit, selection included. */
  readonly modelCalls: number;
  /** Wall time of its finished sample units. */
  readonly wallTimeMs: number;
  /** Estimated time left (mean time of its finished samples × those pending); null if unknown. */
  readonly etaMs: number | null;
  /** Why it failed (the last attempt). */
  readonly error?: string;
}

/** `<out>/status.json`: where a study stands (also what `orderlens study status` prints). */
export interface StudyStatus {
  readonly schema: typeof STUDY_STATUS_SCHEMA;
  readonly name: string;
  readonly studyHash: string;
  /** `running` while a process works on it (its `pid`), else how the last run ended. */
  readonly state: 'running' | 'done' | 'failed' | 'interrupted' | 'stopped';
  readonly pid?: number;
  readonly updatedAt: string;
  readonly models: readonly StudyModelStatus[];
  readonly totals: {
    readonly models: number;
    readonly done: number;
    readonly failed: number;
    readonly pending: number;
    readonly samples: number;
    readonly samplesDone: number;
    readonly modelCalls: number;
  };
  /** Sum of the models' ETAs; `etaComplete` false when some model has none yet. */
  readonly etaMs: number | null;
  readonly etaComplete: boolean;
}

/** What a running study knows beyond the files: its state, the model under way, failures. */
export interface StudyLiveState {
  readonly state: StudyStatus['state'];
  readonly running?: string;
  readonly failures?: Readonly<Record<string, string>>;
  readonly pid?: number;
}

interface UnitSummary {
  readonly key: string;
  readonly calls: number;
  readonly ms: number;
  readonly samples?: number;
}

/**
 * Reads where a study stands from its folder: per model the finished units (their files are the
 * truth, so a process killed with SIGKILL leaves a correct count), the model calls they cost,
 * done (its `result.json` exists) / failed / running / pending, and an ETA. `live` is what the
 * running process adds; without it the last `status.json` gives failures and whether its
 * process is still alive. A cache (file → summary) spares re-reading finished units.
 */
export function readStudyStatus(
  out: string,
  live?: StudyLiveState,
  cache: Map<string, UnitSummary> = new Map(),
): StudyStatus {
  const manifest = readStudyManifest(out);
  const paths = studyPaths(out);
  const last = live ? undefined : readStatusFile(paths.status);
  const alive = last?.state === 'running' && last.pid !== undefined && processAlive(last.pid);
  const state: StudyStatus['state'] =
    live?.state ?? (last ? (last.state === 'running' && !alive ? 'stopped' : last.state) : 'stopped');
  const failures: Record<string, string> = {
    ...(live?.failures ??
      Object.fromEntries((last?.models ?? []).filter((m) => m.error).map((m) => [m.id, m.error!]))),
  };
  const running = live?.running ?? (alive ? last?.models.find((m) => m.state === 'running')?.id : undefined);
  const models = manifest.models.map((m): StudyModelStatus => {
    const unitDir = join(paths.run(m.id), 'units');
    const files = existsSync(unitDir) ? readdirSync(unitDir).filter((f) => f.endsWith('.json')) : [];
    let samples: number | null = null;
    let samplesKnown = false;
    let done = 0;
    let calls = 0;
    let ms = 0;
    for (const f of files) {
      const u = summarise(join(unitDir, f), f === `${SELECTION_UNIT}.json`, cache);
      if (!u) continue;
      calls += u.calls;
      if (u.samples !== undefined) {
        samples = u.samples;
        samplesKnown = true;
      } else {
        done++;
        ms += u.ms;
      }
    }
    if (!samplesKnown) samples = requestedSamples(m.settings);
    const isDone = existsSync(paths.result(m.id));
    const modelState: StudyModelState = isDone
      ? 'done'
      : running === m.id
        ? 'running'
        : failures[m.id]
          ? 'failed'
          : 'pending';
    const pending = isDone ? 0 : samples === null ? null : Math.max(0, samples - done);
    const etaMs = pending === 0 ? 0 : pending !== null && done > 0 ? (ms / done) * pending : null;
    return {
      id: m.id,
      modality: m.modality,
      state: modelState,
      samples,
      samplesKnown,
      done,
      modelCalls: calls,
      wallTimeMs: ms,
      etaMs,
      ...(failures[m.id] && !isDone ? { error: failures[m.id] } : {}),
    };
  });
  const open = models.filter((m) => m.state !== 'done');
  return {
    schema: STUDY_STATUS_SCHEMA,
    name: manifest.name,
    studyHash: manifest.studyHash,
    state,
    ...(live?.pid !== undefined ? { pid: live.pid } : alive ? { pid: last!.pid } : {}),
    updatedAt: new Date().toISOString(),
    models,
    totals: {
      models: models.length,
      done: models.filter((m) => m.state === 'done').length,
      failed: models.filter((m) => m.state === 'failed').length,
      pending: models.filter((m) => m.state === 'pending' || m.state === 'running').length,
      samples: models.reduce((a, m) => a + (m.samples ?? 0), 0),
      samplesDone: models.reduce((a, m) => a + m.done, 0),
      modelCalls: models.reduce((a, m) => a + m.modelCalls, 0),
    },
    etaMs:
      open.some((m) => m.etaMs !== null) || open.length === 0
        ? open.reduce((a, m) => a + (m.etaMs ?? 0), 0)
        : null,
    etaComplete: open.every((m) => m.etaMs !== null),
  };
}

/** Writes `<out>/status.json` (atomically) from the folder and the running process's state. */
export function writeStudyStatus(
  out: string,
  live: StudyLiveState,
  cache?: Map<string, UnitSummary>,
): StudyStatus {
  const status = readStudyStatus(out, live, cache);
  writeJsonAtomic(studyPaths(out).status, status);
  return status;
}

function readStatusFile(path: string): StudyStatus | undefined {
  try {
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as StudyStatus) : undefined;
  } catch {
    return undefined; // A status is a convenience; the unit files are the truth.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Calls and time of a unit file (cached by path, size and mtime); undefined if unreadable. */
function summarise(
  path: string,
  selection: boolean,
  cache: Map<string, UnitSummary>,
): UnitSummary | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit;
  try {
    const u = JSON.parse(readFileSync(path, 'utf8')) as StoredSample & StoredSelection;
    const total = (c: Partial<Record<string, number>> | undefined) =>
      c?.total ?? Object.values(c ?? {}).reduce<number>((a, v) => a + (v ?? 0), 0);
    const s: UnitSummary = selection
      ? { key, calls: total(u.calls), ms: 0, samples: u.selection.indices.length }
      : { key, calls: total(u.calls), ms: u.wallTimeMs ?? 0 };
    cache.set(path, s);
    return s;
  } catch {
    return undefined;
  }
}

function requestedSamples(settings: StudyManifest['models'][number]['settings']): number | null {
  const sel = settings.selection as { samples?: number } | undefined;
  return sel?.samples ?? null;
}
