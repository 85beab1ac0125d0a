// Exact multi-order interactions of one census row through the ONNX fixture MLP, with the
// library API: a masker (tabular adapter) + a runner (ONNX runtime) make a ModelGame (core),
// and the exact engine reads every quantity off the 2^12 coalition values.
// Run: npm run build && node --import tsx examples/library/census-exact.ts
import { ModelGame } from '@orderlens/core';
import { exactInteractions, strengthCurve } from '@orderlens/core/math';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { TabularMasker, loadCensus } from '@orderlens/tabular';

const census = loadCensus(); // UCI Adult, the papers' 12-variable recipe
const runner = await OnnxRunner.create('fixtures/census-mlp5/model.onnx', { providers: ['cpu'] });
const row = census.test.x.subarray(0, 12);
const masker = new TabularMasker(row, { baseline: census.baseline });
const game = new ModelGame(masker, runner, {
  reward: { name: 'log-odds', label: census.test.y[0] },
  batchSize: 1024,
});

const result = await exactInteractions(game);
const { orders, values } = result.multiOrder!;
// J(m) of this sample: mean over pairs of |I^(m)(i,j)|, normalised to average 1 over orders.
const perOrder = orders.map((_, k) => values.reduce((s, row) => s + Math.abs(row[k]), 0) / values.length);
const J = strengthCurve([perOrder], 'mean').J;
console.log(`${result.modelCalls} model calls on ${runner.backend}`);
console.log('Shapley values:', Array.from(result.shapley!, (v) => v.toFixed(3)).join(' '));
console.log('J(m):', J.map((v) => v.toFixed(2)).join(' '));
console.log('identity residuals:', result.residuals);
await runner.dispose();
