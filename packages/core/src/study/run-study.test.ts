import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../errors/errors.js';
import type { InteractionResult } from '../result/interaction-result.js';
import { tempDir } from '../testing/tmp.js';
import { loadStudy } from './load-study.js';
import { openStudyFolder, readStudyManifest, studyPaths } from './study-folder.js';
import { aggregateStudyModel, computeStudyUnit, openStudyModel, pendingStudyUnits } from './study-model.js';
import { readStudyStatus } from './study-status.js';
import { runStudy } from './run-study.js';
import { registerToy, toyCalls, writeToyModel } from './test-utils/toy.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());
beforeAll(registerToy);

const STUDY = `name: toy-study
seed: 7
defaults:
  toy:
    options: { players: 5, candidates: 4 }
models:
  - id: exact
    modality: toy
    model: models/a.toy.json
  - id: sampled
    modality: toy
    model: models/b.toy.json
    protocol: sampled
    samples: 3
    options: { players: 9 }
    seeds: [1, 2]
`;

function setup(text = STUDY) {
  tmp = tempDir('orderlens-study-run-');
  mkdirSync(join(tmp.dir, 'models'));
  writeToyModel(join(tmp.dir, 'models', 'a.toy.json'));
  writeToyModel(join(tmp.dir, 'models', 'b.toy.json'), [1, 0.5, -0.5, 2, 1], -0.4);
  const file = join(tmp.dir, 'study.yaml');
  writeFileSync(file, text);
  return { file, out: join(tmp.dir, 'out'), dir: tmp.dir };
}

/** The numbers of a result (what must not depend on how or where it was computed). */
const numbers = (r: InteractionResult) => ({
  n: r.n,
  orders: r.orders,
  // Everything but the time each sample took.
  samples: r.samples.map(({ wallTimeMs: _, ...s }) => s),
  aggregate: r.aggregate,
  modelCalls: r.modelCalls,
});
const results = (out: string) =>
  Object.fromEntries(
    readStudyManifest(out).models.map((m) => [
      m.id,
      numbers(JSON.parse(readFileSync(studyPaths(out).result(m.id), 'utf8')) as InteractionResult),
    ]),
  );
const unitFiles = (out: string) =>
  readStudyManifest(out).models.flatMap((m) => {
    const dir = join(studyPaths(out).run(m.id), 'units');
    return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  });
const totalToyCalls = () => [...toyCalls.values()].reduce((a, b) => a + b, 0);

describe('runStudy', () => {
  it('runs every model into its folder, with a manifest and a status', async () => {
    const { file, out } = setup();
    const study = loadStudy(file);
    const before = totalToyCalls();
    const summary = await runStudy(study, { out, packages: { '@orderlens/core': '0.1.0' } });
    expect(summary.failed).toEqual([]);
    expect(summary.finished).toEqual(['exact', 'sampled.seed-1', 'sampled.seed-2']);
    expect(summary.computedUnits).toBe(4 + 3 + 3);
    // Every model call is counted, selection included.
    expect(summary.modelCalls).toBe(totalToyCalls() - before);
    const manifest = readStudyManifest(out);
    expect(manifest).toMatchObject({
      schema: 'orderlens/study-run@1',
      name: 'toy-study',
      studyHash: study.hash,
    });
    expect(manifest.models.map((m) => m.dir)).toEqual([
      'models/exact',
      'models/sampled.seed-1',
      'models/sampled.seed-2',
    ]);
    expect(manifest.models[0].model.sha256).toBe(study.models[0].model.sha256);
    const status = readStudyStatus(out);
    expect(status).toMatchObject({ state: 'done', etaMs: 0 });
    expect(status.totals).toMatchObject({
      models: 3,
      done: 3,
      failed: 0,
      pending: 0,
      samples: 10,
      samplesDone: 10,
    });
    expect(status.totals.modelCalls).toBe(summary.modelCalls);
    const r = JSON.parse(readFileSync(studyPaths(out).result('sampled.seed-2'), 'utf8')) as InteractionResult;
    expect(r).toMatchObject({ schema: 'orderlens/interaction-result@3', modality: 'toy', n: 9 });
    expect(r.provenance.seed).toBe(2);
    expect(r.samples).toHaveLength(3);
    // Different seeds draw different contexts.
    const r1 = JSON.parse(
      readFileSync(studyPaths(out).result('sampled.seed-1'), 'utf8'),
    ) as InteractionResult;
    expect(r1.aggregate.raw).not.toEqual(r.aggregate.raw);
  });

  it('resumes after an interrupt without recomputing finished units, with the same numbers', async () => {
    const { file, out, dir } = setup();
    const reference = join(dir, 'reference');
    await runStudy(loadStudy(file), { out: reference });

    const controller = new AbortController();
    await expect(
      runStudy(loadStudy(file), {
        out,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'unit' && e.id === 'sampled.seed-1' && e.sample === 0) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(InterruptedError);
    const partial = readStudyStatus(out);
    expect(partial.state).toBe('interrupted');
    expect(partial.models.map((m) => [m.id, m.state, m.done])).toEqual([
      ['exact', 'done', 4],
      ['sampled.seed-1', 'pending', 1],
      ['sampled.seed-2', 'pending', 0],
    ]);
    expect(partial.etaComplete).toBe(false); // seed-2 has no finished sample to time yet
    const finished = new Map(unitFiles(out).map((f) => [f, statSync(f).mtimeMs]));
    const before = totalToyCalls();
    const resumed = await runStudy(loadStudy(file), { out, resume: true });
    // Only the pending units: 2 of seed-1, 3 of seed-2 (plus seed-2's selection).
    expect(resumed.computedUnits).toBe(5);
    expect(resumed.modelCalls).toBe(totalToyCalls() - before);
    for (const [f, mtime] of finished) expect(statSync(f).mtimeMs, f).toBe(mtime);
    expect(results(out)).toEqual(results(reference));
    // A resume of a finished study computes nothing.
    const again = await runStudy(loadStudy(file), { out, resume: true });
    expect(again).toMatchObject({ computedUnits: 0, modelCalls: 0 });
  });

  it('refuses an existing folder without --resume, a changed study, and a changed model', async () => {
    const { file, out, dir } = setup();
    await runStudy(loadStudy(file), { out });
    await expect(runStudy(loadStudy(file), { out })).rejects.toThrow(
      /out: .* already holds the study "toy-study" .*pass `resume`/,
    );
    writeFileSync(file, STUDY.replace('samples: 3', 'samples: 2').replace('seeds: [1, 2]', 'seeds: [1, 3]'));
    await expect(runStudy(loadStudy(file), { out, resume: true })).rejects.toThrow(
      /resume: .*study\.yaml is not the study the run in .* was started with \(models added: sampled\.seed-3; models removed: sampled\.seed-2; model "sampled\.seed-1" changed: selection\.samples: 3 → 2\)/,
    );
    writeFileSync(file, STUDY);
    writeToyModel(join(dir, 'models', 'a.toy.json'), [9, 9, 9, 9, 9]);
    await expect(runStudy(loadStudy(file), { out, resume: true })).rejects.toThrow(
      /resume: model "exact": models\/a\.toy\.json is not the model the run .* was started with \(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/,
    );
  });

  it('computes units one at a time in any order (as workers do) with the numbers of a local run', async () => {
    const { file, out, dir } = setup();
    const reference = join(dir, 'reference');
    await runStudy(loadStudy(file), { out: reference });
    const study = loadStudy(file);
    openStudyFolder(study, out);
    for (const m of study.models) {
      // Two "workers" with their own sessions, taking the units back to front.
      const w1 = await openStudyModel(study, out, m.id);
      const w2 = await openStudyModel(study, out, m.id);
      const pending = await pendingStudyUnits(w1);
      for (const [k, s] of [...pending].reverse().entries()) {
        const { computed } = await computeStudyUnit(k % 2 ? w2 : w1, s);
        expect(computed).toBe(true);
      }
      expect((await computeStudyUnit(w2, 0)).computed).toBe(false); // finished: no model call
      await expect(pendingStudyUnits(w2)).resolves.toEqual([]);
      await aggregateStudyModel(w2);
      await w1.dispose();
      await w2.dispose();
    }
    const local = results(reference);
    const workers = results(out);
    expect(workers).toEqual(local);
  });

  it('records a failing model, finishes the others, and retries it on resume', async () => {
    const { file, out, dir } = setup(
      STUDY.replace(
        '    model: models/a.toy.json\n',
        '    model: models/a.toy.json\n    options: { data: data.txt }\n',
      ),
    );
    writeFileSync(join(dir, 'data.txt'), 'x');
    const study = loadStudy(file);
    rmSync(join(dir, 'data.txt')); // checked at load, gone when the adapter opens it
    const failed: string[] = [];
    const summary = await runStudy(study, {
      out,
      onEvent: (e) => e.type === 'model-failed' && failed.push(e.id),
    });
    expect(failed).toEqual(['exact']);
    expect(summary.failed[0]).toMatchObject({ id: 'exact', error: expect.stringMatching(/ENOENT/) });
    expect(summary.finished).toEqual(['sampled.seed-1', 'sampled.seed-2']);
    const status = readStudyStatus(out);
    expect(status.state).toBe('failed');
    expect(status.models[0]).toMatchObject({
      id: 'exact',
      state: 'failed',
      error: expect.stringMatching(/ENOENT/),
    });
    writeFileSync(join(dir, 'data.txt'), 'x');
    const resumed = await runStudy(loadStudy(file), { out, resume: true });
    expect(resumed).toMatchObject({ failed: [], finished: ['exact'], computedUnits: 4 });
    expect(readStudyStatus(out).state).toBe('done');
  });
});
