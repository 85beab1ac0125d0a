/**
 * Studies on workers (issue 14), against real redis-server instances on loopback ports and
 * `orderlens worker` child processes of the built CLI:
 *
 * - two workers give the local run's results exactly; a poisoned model (a file that is no
 *   model) fails with its error recorded and the other models finish;
 * - SIGKILL of a worker mid-job: the job is taken up by another worker, nothing is lost and
 *   every unit file is written once;
 * - jobs naming a path outside the worker's roots (or of an unknown kind) fail at once with
 *   the refusal recorded, and the other jobs complete;
 * - a Redis restart (append-only file) mid-run: the run completes without loss.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStudy, runStudy, type InteractionResult } from '@orderlens/core';
import '@orderlens/runtime-onnx';
import '@orderlens/tabular';
import '@orderlens/vision';
import { lacks, scaledTimeout, tempDir } from '@orderlens/core/testing';
import { runStudyDistributed } from './coordinator.js';
import { DEFAULT_QUEUE } from './jobs.js';
import { redisConnection } from './redis.js';
import { startTestRedis, type TestRedis } from './test-utils/redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './test-utils/worker-process.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));
const tmp = tempDir('orderlens-distributed-');
const roots = [tmp.dir, repo('fixtures')];
/**
 * Short locks, so a dead worker's job is taken up within seconds; scaled by the machine-speed
 * factor, because on a busy machine a live worker may not renew a 4 s lock in time (its job would
 * then be taken up twice).
 */
const WORKER_FLAGS = ['--device', 'cpu', '--lock-ms', String(scaledTimeout(4000))];
const FAST = { device: 'cpu' as const, pollMs: 100, reconcileMs: 500, backoffMs: 200 };

/** census MLP (exact, 4 samples) and the CIFAR CNN (lite, 4×4 grid, 2 samples), plus `extra`. */
function writeStudy(name: string, extra = ''): string {
  const file = join(tmp.dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 0
defaults:
  tabular: { protocol: exact, samples: 4, options: { dataset: census } }
  vision:
    protocol: lite
    samples: 2
    perClass: 1
    pairs: 4
    contexts: 4
    repeats: 1
    options: { dataset: cifar10, grid: 4, limit: 60 }
models:
  - { id: census-mlp5, modality: tabular, model: ${repo('fixtures/census-mlp5/model.onnx')} }
  - { id: cifar-cnn, modality: vision, model: ${repo('fixtures/cifar-cnn/model.onnx')} }
${extra}`,
  );
  return file;
}

const result = (out: string, id: string) =>
  JSON.parse(readFileSync(join(out, 'models', id, 'result.json'), 'utf8')) as InteractionResult;
/** A result without what no rerun reproduces (times, dates). */
function numbers(r: InteractionResult) {
  // `outputs` holds the pictures' paths, which name the folder.
  const {
    provenance,
    outputs: _o,
    ...rest
  } = r as InteractionResult & { provenance?: Record<string, unknown> };
  const { createdAt: _c, wallTimeMs: _w, ...prov } = provenance ?? {};
  return {
    ...rest,
    provenance: prov,
    samples: r.samples.map(({ wallTimeMs: _t, ...s }) => s),
  };
}
const unitFiles = (out: string, id: string) =>
  readdirSync(join(out, 'models', id, 'run', 'units')).filter((f) => f.endsWith('.json'));
/** Job ids a worker log says it wrote (`done <id>: wrote the unit`). */
const writes = (log: string) => [...log.matchAll(/^done (\S+): wrote the unit/gm)].map((m) => m[1]);

let redis: TestRedis;
let local: string;
const workers: WorkerProcess[] = [];
const worker = (url: string) => {
  const w = startWorkerProcess(url, roots, WORKER_FLAGS);
  workers.push(w);
  return w;
};

// Real Redis servers and worker processes of the built CLI, or a loud skip naming what is missing.
const skipWorkers =
  lacks('redis-server', 'the worker tests (studies on workers)') || lacks('built CLI', 'the worker tests');

beforeAll(async () => {
  if (skipWorkers) return;
  redis = await startTestRedis();
  local = join(tmp.dir, 'local');
  await runStudy(loadStudy(writeStudy('local'), { roots }), { out: local, device: 'cpu' });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await redis?.dispose();
  tmp.cleanup();
});

/** `run`, or a failure with the workers' logs when it takes more than 150 s (not a silent hang). */
async function within<T>(run: Promise<T>, ws: WorkerProcess[]): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the run did not finish; workers:\n${ws.map((w) => w.log().slice(-1500)).join('\n---\n')}`,
          ),
        ),
      scaledTimeout(150_000),
    );
  });
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The distributed run's results equal the local run's, model by model. */
function expectLocalNumbers(out: string) {
  for (const id of ['census-mlp5', 'cifar-cnn']) {
    expect(numbers(result(out, id)), id).toEqual(numbers(result(local, id)));
    // The selection and one file per sample: nothing lost, nothing extra.
    expect(unitFiles(out, id).length, id).toBe(result(local, id).samples.length + 1);
  }
}

describe.skipIf(skipWorkers)('studies on workers', () => {
  it(
    'two workers give the local result exactly; a poisoned model fails alone with its error',
    async () => {
      const bad = join(tmp.dir, 'broken.onnx');
      writeFileSync(bad, 'this is not an ONNX model');
      const file = writeStudy('two', `  - { id: broken, modality: tabular, model: ${bad} }\n`);
      const w = [worker(redis.url), worker(redis.url)];
      await Promise.all(w.map((x) => x.waitFor(/^worker .* on redis/m)));
      const out = join(tmp.dir, 'two');
      const summary = await runStudyDistributed(loadStudy(file, { roots }), {
        out,
        redis: redis.url,
        ...FAST,
      });
      expectLocalNumbers(out);
      expect(summary.failed.map((f) => f.id)).toEqual(['broken']);
      expect(summary.failed[0].error).toMatch(/selection: /);
      const status = JSON.parse(readFileSync(join(out, 'status.json'), 'utf8'));
      expect(status.models.find((m: { id: string }) => m.id === 'broken').error).toMatch(/selection/);
      // Both workers took jobs, and no unit was written twice.
      const all = w.flatMap((x) => writes(x.log()));
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(8);
      await Promise.all(w.map((x) => x.stop()));
    },
    scaledTimeout(240_000),
  );

  it(
    'SIGKILL of a worker mid-job loses nothing and duplicates nothing',
    async () => {
      const out = join(tmp.dir, 'kill');
      const first = worker(redis.url);
      await first.waitFor(/^worker .* on redis/m);
      const run = runStudyDistributed(loadStudy(writeStudy('kill'), { roots }), {
        out,
        redis: redis.url,
        ...FAST,
      });
      // A vision sample takes seconds: kill the worker as soon as it starts one.
      const [, killed] = await first.waitFor(
        /^start (\S+\.cifar-cnn\.\d+) \(sample/m,
        scaledTimeout(120_000),
      );
      await first.kill();
      const second = worker(redis.url);
      const summary = await within(run, [first, second]);
      expect(summary.failed).toEqual([]);
      expectLocalNumbers(out);
      // The killed job was taken up by the other worker after its lock ran out.
      expect(second.log()).toMatch(new RegExp(`^start ${killed.replace(/\./g, '\\.')} `, 'm'));
      const all = [...writes(first.log()), ...writes(second.log())];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(8);
      await second.stop();
    },
    scaledTimeout(240_000),
  );

  it(
    'refuses jobs naming a path outside the roots (or of unknown kind); the other jobs complete',
    async () => {
      const queueName = DEFAULT_QUEUE;
      const connection = redisConnection(redis.url);
      const queue = new Queue(queueName, { connection });
      const hash = 'b'.repeat(64);
      const bad = [
        {
          name: 'sample',
          data: { kind: 'sample', studyDir: '../../etc', studyHash: hash, modelId: 'm', sampleIndex: 0 },
        },
        { name: 'selection', data: { kind: 'selection', studyDir: '/etc', studyHash: hash, modelId: 'm' } },
        { name: 'shell', data: { kind: 'shell', command: 'cat /etc/passwd' } },
      ];
      try {
        for (const [k, j] of bad.entries())
          await queue.add(j.name, j.data, {
            jobId: `bad-${k}`,
            attempts: 3,
            backoff: { type: 'fixed', delay: 100 },
          });
        // A study whose copy lies outside the roots too: its model file is refused.
        const outsideModel = join(tmp.dir, '..', `orderlens-outside-${process.pid}.onnx`);
        copyFileSync(repo('fixtures/census-mlp5/model.onnx'), outsideModel);
        const w = worker(redis.url);
        const out = join(tmp.dir, 'refuse');
        const file = writeStudy('refuse', `  - { id: outside, modality: tabular, model: ${outsideModel} }\n`);
        // The coordinator's user allows the outside model (--root); the worker's roots do not.
        const summary = await runStudyDistributed(
          loadStudy(file, { roots: [...roots, dirname(outsideModel)] }),
          {
            out,
            redis: redis.url,
            queue: queueName,
            ...FAST,
          },
        );
        expectLocalNumbers(out);
        expect(summary.failed.map((f) => f.id)).toEqual(['outside']);
        expect(summary.failed[0].error).toMatch(/outside the folders this worker may read/);
        for (const k of bad.keys()) {
          const job = (await queue.getJob(`bad-${k}`))!;
          expect(await job.getState()).toBe('failed');
          // A refusal is not retried.
          expect(job.attemptsMade).toBe(1);
          expect(job.failedReason).toMatch(
            k < 2 ? /outside the folders this worker may read/ : /unknown job kind "shell"/,
          );
        }
        expect(w.log()).not.toMatch(/start bad-\d+ \(\w+, attempt 2\)/);
        await w.stop();
      } finally {
        await queue.close();
        connection.disconnect();
      }
    },
    scaledTimeout(240_000),
  );

  it(
    'a Redis restart mid-run resumes without loss',
    async () => {
      const aof = await startTestRedis({ appendonly: true });
      try {
        const w = [worker(aof.url), worker(aof.url)];
        await Promise.all(w.map((x) => x.waitFor(/^worker .* on redis/m)));
        const out = join(tmp.dir, 'restart');
        const run = runStudyDistributed(loadStudy(writeStudy('restart'), { roots }), {
          out,
          redis: aof.url,
          ...FAST,
        });
        // Restart once some units are done and others are not.
        const units = join(out, 'models', 'census-mlp5', 'run', 'units');
        const deadline = Date.now() + scaledTimeout(120_000);
        while (!(existsSync(units) && readdirSync(units).length >= 2)) {
          if (Date.now() > deadline) throw new Error('no unit appeared');
          await new Promise((r) => setTimeout(r, 100));
        }
        await aof.stop();
        await new Promise((r) => setTimeout(r, 1500));
        await aof.start();
        const summary = await within(run, w);
        expect(summary.failed).toEqual([]);
        expectLocalNumbers(out);
        const all = w.flatMap((x) => writes(x.log()));
        expect(new Set(all).size).toBe(all.length);
        await Promise.all(w.map((x) => x.stop()));
      } finally {
        await aof.dispose();
      }
    },
    scaledTimeout(240_000),
  );
});

// The folder a test study writes into exists before the first run.
mkdirSync(tmp.dir, { recursive: true });
