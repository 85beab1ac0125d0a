/**
 * Text adapter bench: masked sentences per second through the full path (Evaluator + word-piece
 * masker + OnnxRunner + reward) against the raw runtime (`session.run` on the same, pre-masked
 * inputs), CPU time in alternating rounds; and the exact J(m) time per 10-word sentence.
 * Run: npm run build && node --import tsx tools/bench/text.bench.ts
 */
import '@orderlens/runtime-onnx';
import {
  CoalitionBatch,
  ModelGame,
  ModelGateway,
  exactEstimator,
  openModel,
  parseAdapterOptions,
} from '@orderlens/core';
import { textAdapter } from '@orderlens/nlp';
import * as ort from 'onnxruntime-node';

const ROUNDS = 5;
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

console.log('model              raw rows/cpu-s  full rows/cpu-s  full/raw  exact J(m) per 10-word sentence');
for (const name of ['sst2-bert', 'sst2-distilbert']) {
  const folder = new URL(`../../fixtures/${name}`, import.meta.url).pathname;
  const model = await openModel({ spec: folder, device: 'cpu', threads: 1 });
  const options = parseAdapterOptions(textAdapter.options, {
    sentences: new URL('../../packages/nlp/data/sst2/dev.tsv', import.meta.url).pathname,
    shortSentences: 'skip',
  });
  const session = await textAdapter.open({ options, model });
  const players = await session.players(0, new ModelGateway());
  const n = players.masker.n;
  const all = new CoalitionBatch(n, 2 ** n);
  for (let m = 0; m < 2 ** n; m++) all.pushMask(m);
  const B = 256;
  const session0 = await ort.InferenceSession.create(model.file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    // OnnxRunner's default: denormals flushed (ONNX Runtime fixes this once per process).
    extra: { session: { set_denormal_as_zero: '1' } },
  });
  const masked = players.masker.mask(all, 0, B);
  const feeds = Object.fromEntries(
    Object.entries(masked).map(([k, t]) => [k, new ort.Tensor(t.type, t.data as BigInt64Array, [...t.dims])]),
  );
  const raw: number[] = [];
  const full: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = cpu();
    for (let k = 0; k < 2 ** n / B; k++) await session0.run(feeds);
    raw.push(2 ** n / (cpu() - t));
    const game = new ModelGame(players.masker, model.runner, {
      reward: { label: session.candidate(0).label },
      batchSize: B,
    });
    t = cpu();
    await game.evaluate(all);
    full.push(game.modelCalls / (cpu() - t));
  }
  const game = new ModelGame(players.masker, model.runner, {
    reward: { label: session.candidate(0).label },
    batchSize: B,
  });
  const t0 = performance.now();
  await exactEstimator.estimate(game, exactEstimator.options.parse({}), {
    seed: 0,
    sampleIndex: 0,
    players: players.descriptor,
  });
  const exactMs = performance.now() - t0;
  console.log(
    `${name.padEnd(18)} ${fmt(median(raw)).padStart(14)}  ${fmt(median(full)).padStart(15)}  ${(median(full) / median(raw)).toFixed(2).padStart(8)}  ${(exactMs / 1000).toFixed(2)} s (n = ${n}, ${game.modelCalls} calls)`,
  );
  await session0.release();
  await session.dispose?.();
  await model.runner.dispose();
}
