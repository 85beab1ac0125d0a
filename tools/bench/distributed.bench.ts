/**
 * Distributed studies benchmark (issue 14): the example study `examples/studies/quick.yaml` run
 * locally, then on 1 and 2 workers (`orderlens worker` processes) through a redis-server on a
 * loopback port started here; wall time, model calls per second, and the queue's overhead per
 * job, measured with no-op-cost jobs (sample jobs whose unit is already in the study folder:
 * payload checks, study and manifest reads, the warm-model lookup and the unit check, but no
 * model call). Needs Debian's redis-server and the built CLI:
 * `npm run build && node --import tsx tools/bench/distributed.bench.ts [study.yaml]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { loadStudy, readStudyStatus, runStudy, studyPaths } from '@orderlens/core';
import { runStudyDistributed } from '../../packages/distributed/src/coordinator.ts';
import { jobId, type JobPayload } from '../../packages/distributed/src/jobs.ts';
import { redisConnection } from '../../packages/distributed/src/redis.ts';
import { startTestRedis } from '../../packages/distributed/src/test-utils/redis-server.ts';
import {
  startWorkerProcess,
  type WorkerProcess,
} from '../../packages/distributed/src/test-utils/worker-process.ts';
import { loadPlugins } from '../../packages/cli/src/util/plugins.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const studyFile = process.argv[2] ?? join(repo, 'examples/studies/quick.yaml');
const NOOP_JOBS = 300;

await loadPlugins();
const tmp = mkdtempSync(join(tmpdir(), 'orderlens-bench-dist-'));
const redis = await startTestRedis();
// The shipped studies name the repository's fixtures (`../../fixtures`): the repository is a root.
const study = loadStudy(studyFile, { roots: [repo] });
const rows: string[] = [];
const fmt = (x: number, d = 1) => x.toFixed(d);
const workers: WorkerProcess[] = [];

/** Starts `k` workers on `queue` and waits until all are connected. */
async function startWorkers(k: number, queue = 'orderlens'): Promise<WorkerProcess[]> {
  const ws = Array.from({ length: k }, () =>
    startWorkerProcess(
      redis.url,
      [repo, tmp],
      ['--device', 'cpu', '--quiet', '--queue', queue, '--warm-models', '8'],
    ),
  );
  workers.push(...ws);
  const connection = redisConnection(redis.url);
  const q = new Queue(queue, { connection });
  for (let t = 0; t < 1200 && (await q.getWorkersCount()) < k; t++) await sleep(100);
  await q.close();
  connection.disconnect();
  return ws;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

try {
  console.log(
    `study ${study.name} (${study.models.length} models), ${cpus().length} CPU cores, redis ${redis.url}`,
  );
  // Local reference.
  let t0 = performance.now();
  const localOut = join(tmp, 'local');
  const local = await runStudy(study, { out: localOut, device: 'cpu' });
  let wall = (performance.now() - t0) / 1000;
  rows.push(
    `| local (study run) | ${fmt(wall)} s | ${local.modelCalls} | ${fmt(local.modelCalls / wall, 0)} |`,
  );

  for (const k of [1, 2]) {
    const ws = await startWorkers(k);
    const out = join(tmp, `workers-${k}`);
    t0 = performance.now();
    const s = await runStudyDistributed(study, { out, redis: redis.url, device: 'cpu' });
    wall = (performance.now() - t0) / 1000;
    const calls = readStudyStatus(out).totals.modelCalls;
    rows.push(
      `| ${k} worker${k > 1 ? 's' : ''} (study run --redis) | ${fmt(wall)} s | ${calls} | ${fmt(calls / wall, 0)} |`,
    );
    if (s.failed.length) console.log(`failed: ${JSON.stringify(s.failed)}`);
    await Promise.all(ws.map((w) => w.stop()));
  }

  // Queue overhead: sample jobs whose unit exists, on fresh ids; the first (model opening) untimed.
  const done = studyPaths(join(tmp, 'workers-2'));
  const units: JobPayload[] = [];
  for (const m of study.models) {
    const n = readStudyStatus(done.dir).models.find((x) => x.id === m.id)?.samples ?? 0;
    for (let s = 0; s < n; s++)
      units.push({
        kind: 'sample',
        studyDir: done.dir,
        studyHash: study.hash,
        modelId: m.id,
        sampleIndex: s,
      });
  }
  const overhead: string[] = [];
  for (const k of [1, 2]) {
    const queueName = `noop-${k}`;
    const live = await startWorkers(k, queueName);
    const connection = redisConnection(redis.url);
    const q = new Queue(queueName, { connection });
    const completed = async () => (await q.getJobCounts('completed')).completed ?? 0;
    // Warm every model on every worker first (untimed): k rounds over all units.
    const warm = Array.from({ length: k }, (_, w) =>
      units.map((u, i) => ({ u, id: `warm-${w}-${i}` })),
    ).flat();
    await q.addBulk(warm.map(({ u, id }) => ({ name: u.kind, data: u, opts: { jobId: id } })));
    while ((await completed()) < warm.length) await sleep(50);
    const jobs = Array.from({ length: NOOP_JOBS }, (_, i) => units[i % units.length]);
    t0 = performance.now();
    await q.addBulk(
      jobs.map((u, i) => ({ name: u.kind, data: u, opts: { jobId: `${jobId('noop', u)}.${i}` } })),
    );
    while ((await completed()) < warm.length + NOOP_JOBS) await sleep(10);
    wall = performance.now() - t0;
    overhead.push(
      `| ${k} | ${NOOP_JOBS} | ${fmt(wall / 1000, 2)} s | ${fmt(wall / NOOP_JOBS, 2)} ms | ${fmt((NOOP_JOBS / wall) * 1000, 0)} |`,
    );
    await Promise.all(live.map((w) => w.stop()));
    await q.close();
    connection.disconnect();
  }

  console.log('\n| run | wall time | model calls | model calls/s |\n| --- | --- | --- | --- |');
  console.log(rows.join('\n'));
  console.log('\nqueue overhead (no-op jobs: the unit exists, no model call)');
  console.log('| workers | jobs | wall time | per job | jobs/s |\n| --- | --- | --- | --- | --- |');
  console.log(overhead.join('\n'));
} finally {
  await Promise.all(workers.map((w) => w.kill()));
  await redis.dispose();
  rmSync(tmp, { recursive: true, force: true });
}
