import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { z } from 'zod';
import { OrderlensInputError, STUDY_ID } from '@orderlens/core';

/*
 * The jobs a study puts on the queue. A worker runs whatever a Redis it trusts hands it, so a
 * payload is untrusted input: only these kinds exist, every field is checked by a strict
 * schema (unknown keys refused), and paths are checked against the worker's roots later.
 */

/** Queue name when none is given (`--queue`); one queue can serve many studies. */
export const DEFAULT_QUEUE = 'orderlens';

/** The kinds of job a worker accepts. */
export const JOB_KINDS = ['selection', 'sample'] as const;
/** One of {@link JOB_KINDS}. */
export type JobKind = (typeof JOB_KINDS)[number];

const common = {
  /** The study folder (the `--out` of `study run`), absolute on the shared file system. */
  studyDir: z.string().min(1).max(4096),
  /** The study's hash: a worker refuses a folder that holds another study. */
  studyHash: z.string().regex(/^[0-9a-f]{64}$/, 'expected a sha256 (64 hex digits)'),
  modelId: z.string().regex(STUDY_ID, 'expected a study model id'),
};

/** Compute (or find) the selection unit of one model. */
export const selectionJobSchema = z.strictObject({ kind: z.literal('selection'), ...common });

/** Compute (or find) one (model, sample) unit. */
export const sampleJobSchema = z.strictObject({
  kind: z.literal('sample'),
  ...common,
  sampleIndex: z.number().int().min(0).max(10_000_000),
});

/** Every payload a worker accepts. */
export const jobPayloadSchema = z.discriminatedUnion('kind', [selectionJobSchema, sampleJobSchema]);

/** The payload of a `selection` job. */
export type SelectionJob = z.infer<typeof selectionJobSchema>;
/** The payload of a `sample` job. */
export type SampleJob = z.infer<typeof sampleJobSchema>;
/** The payload of any job a worker accepts (checked with {@link parseJobPayload}). */
export type JobPayload = z.infer<typeof jobPayloadSchema>;

/**
 * Checks a job taken from the queue: its name must be a known kind and equal its payload's
 * `kind`, and the payload must match that kind's schema exactly.
 *
 * @throws {@link OrderlensInputError} naming `job` (or the bad field) otherwise.
 */
export function parseJobPayload(name: string, data: unknown): JobPayload {
  if (!(JOB_KINDS as readonly string[]).includes(name))
    throw new OrderlensInputError(
      'job',
      `unknown job kind ${JSON.stringify(name)}; a worker runs only ${JOB_KINDS.join(', ')}`,
    );
  const res = jobPayloadSchema.safeParse(data);
  if (!res.success) {
    const issue = res.error.issues[0];
    const at = issue.path.length ? `job.${issue.path.join('.')}` : 'job';
    throw new OrderlensInputError(at, issue.message.replace(/^Invalid input: /, ''));
  }
  if (res.data.kind !== name)
    throw new OrderlensInputError('job', `job named ${name} carries a ${res.data.kind} payload`);
  return res.data;
}

/**
 * The key of one study run on a queue: the study's hash and its folder. The same study run
 * into two folders must not share job ids (a finished job of one would stand for the other).
 */
export function runKey(studyHash: string, studyDir: string): string {
  const dir = createHash('sha256').update(resolve(studyDir)).digest('hex');
  return `${studyHash.slice(0, 16)}-${dir.slice(0, 8)}`;
}

/**
 * The job id of a unit: `<runKey>.<modelId>.selection` or `<runKey>.<modelId>.<s>`. Adding a
 * job whose id is on the queue does nothing, so the coordinator may re-enqueue at will (after
 * a restart of itself or of Redis) without duplicates. BullMQ refuses `:` in custom ids.
 */
export function jobId(key: string, payload: Pick<JobPayload, 'modelId'> & { sampleIndex?: number }): string {
  return `${key}.${payload.modelId}.${payload.sampleIndex ?? 'selection'}`;
}

/** What a worker returns for a job (kept by BullMQ as the job's return value). */
export interface JobOutcome {
  readonly kind: JobKind;
  readonly modelId: string;
  readonly sampleIndex?: number;
  /** Whether this job wrote the unit (false: it was present already; nothing was computed). */
  readonly wrote: boolean;
  /** Model calls this job made. */
  readonly modelCalls: number;
  /** Samples of the selection (selection jobs). */
  readonly samples?: number;
  readonly wallTimeMs: number;
  /** The worker that ran it. */
  readonly worker: string;
}
