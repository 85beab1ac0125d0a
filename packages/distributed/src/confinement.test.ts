/**
 * Worker payloads under a file-access trace (issue 20, docs/security.md): an `orderlens worker`
 * child of the built CLI, traced with `strace -f`, takes jobs whose study names files outside
 * its `--root` — a composite dataset spec `idx:<root>/images,<outside>/labels`, and a model
 * outside the roots — and must refuse both without opening anything outside (the model is not
 * even hashed), while the trace shows it did read its roots. Without a working strace only the
 * trace assertions are skipped, with a warning naming them.
 */
import { copyFileSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadStudy, openStudyFolder } from '@orderlens/core';
import '@orderlens/runtime-onnx';
import '@orderlens/tabular';
import '@orderlens/vision';
import { callsInto, straceAvailable, tempDir, traceCommand, warnTraceSkipped } from '@orderlens/core/testing';
import { jobId, runKey } from './jobs.js';
import { redisConnection } from './redis.js';
import { startTestRedis, type TestRedis } from './test-utils/redis-server.js';
import { CLI_BIN } from './test-utils/worker-process.js';

const repo = (rel: string) => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));
const tmp = tempDir('orderlens-worker-confine-');
const base = realpathSync(tmp.dir);
const root = join(base, 'root');
const outside = join(base, 'outside');
const QUEUE = 'confine-test';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
  mkdirSync(root, { recursive: true });
  mkdirSync(outside, { recursive: true });
  copyFileSync(repo('packages/vision/models/fmnist-cnn/model.onnx'), join(root, 'fmnist.onnx'));
  copyFileSync(repo('packages/vision/models/fmnist-cnn/meta.json'), join(root, 'meta.json'));
  const fm = (f: string) => repo(`packages/vision/data/fashion-mnist/${f}`);
  copyFileSync(fm('t10k-images-idx3-ubyte.gz'), join(root, 'images.gz'));
  copyFileSync(fm('t10k-labels-idx1-ubyte.gz'), join(outside, 'labels.gz'));
  copyFileSync(repo('fixtures/census-mlp5/model.onnx'), join(outside, 'model.onnx'));
}, 60_000);
afterAll(async () => {
  await redis?.dispose();
  tmp.cleanup();
});

it('refuses a composite spec reaching outside and a model outside the roots, opening nothing there', async () => {
  const file = join(root, 'study.yaml');
  writeFileSync(
    file,
    `name: hostile
models:
  - id: idx
    modality: vision
    model: fmnist.onnx
    protocol: lite
    samples: 1
    pairs: 20
    options: { dataset: 'idx:${join(root, 'images.gz')},${join(outside, 'labels.gz')}', grid: 4, limit: 20 }
  - { id: far, modality: tabular, model: ${join(outside, 'model.onnx')}, protocol: exact, samples: 1, options: { dataset: census } }
`,
  );
  // The coordinator's user allowed the outside folder (as `study run --root` would); the
  // worker was given only `root`.
  const study = loadStudy(file, { roots: [outside] });
  const out = join(root, 'run');
  openStudyFolder(study, out);
  const connection = redisConnection(redis.url);
  const queue = new Queue(QUEUE, { connection });
  const key = runKey(study.hash, out);
  try {
    for (const modelId of ['idx', 'far'])
      await queue.add(
        'selection',
        { kind: 'selection', studyDir: out, studyHash: study.hash, modelId },
        { jobId: jobId(key, { modelId }), attempts: 3 },
      );
    const run = await traceCommand(
      process.execPath,
      [CLI_BIN, 'worker', '--redis', redis.url, '--queue', QUEUE, '--root', root, '--device', 'cpu'],
      {
        cwd: base,
        until:
          /failed \S+\.idx\.selection[\s\S]*failed \S+\.far\.selection|failed \S+\.far\.selection[\s\S]*failed \S+\.idx\.selection/,
        timeoutMs: 90_000,
      },
    );
    // The trace first: on code that leaks, this is what fails.
    if (straceAvailable()) {
      expect(callsInto(run.opens, root).length, 'the trace saw the worker read its root').toBeGreaterThan(0);
      expect(callsInto(run.opens, outside).map((c) => `${c.call} ${c.path} = ${c.result}`)).toEqual([]);
    } else warnTraceSkipped(['worker: idx composite spec, model outside the roots']);
    const log = run.stderr;
    expect(log).toMatch(
      /failed \S+\.idx\.selection: \S*study\.yaml:9:\d+ models\[0\]\.options\.dataset: .*labels\.gz.* outside the folders this worker may read/,
    );
    expect(log).toMatch(
      /failed \S+\.far\.selection: \S*study\.yaml:10:\d+ models\[1\]\.model: .*model\.onnx.* outside the folders this worker may read/,
    );
    expect(log).not.toMatch(/will retry/);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}, 180_000);
