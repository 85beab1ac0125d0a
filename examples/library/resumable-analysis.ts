// A resumable analysis from the library, the same pipeline `orderlens analyze` runs: open a model
// under the device policy, open a modality adapter's session, plan the estimator from a protocol,
// and run it with a run folder (rerun with resume: true after an interruption — finished samples
// cost no model call). Run: npm run build && node --import tsx examples/library/resumable-analysis.ts
import '@orderlens/runtime-onnx'; // registers the ONNX runner factory
import {
  estimators,
  openModel,
  pairStrategy,
  parseAdapterOptions,
  planAnalysis,
  runAnalysis,
} from '@orderlens/core';
import { visionAdapter } from '@orderlens/vision';

const model = await openModel({ spec: 'fixtures/cifar-cnn/model.onnx', device: 'auto' });
const options = parseAdapterOptions(visionAdapter.options, { dataset: 'cifar10', grid: '4' });
const session = await visionAdapter.open({ options, model });
const plan = planAnalysis(
  visionAdapter,
  { protocol: 'lite', samples: '2', pairs: '6', contexts: '5' },
  options,
);
const result = await runAnalysis({
  modality: 'vision',
  session,
  model,
  estimator: estimators.get(plan.estimatorName),
  estimatorOptions: plan.estimatorOptions,
  pairs: plan.pairs ? pairStrategy(plan.pairs) : undefined,
  selection: plan.selection,
  reward: 'log-odds',
  seed: 0,
  run: { out: 'orderlens-out/library-vision', resume: false },
  onEvent: (e) => e.type === 'sample' && console.log(`sample ${e.sample + 1}/${e.samples} done`),
});
console.log(`device ${result.provenance.device}; model calls`, result.modelCalls);
console.log('J(m):', result.aggregate.strength.J.map((v) => v.toFixed(2)).join(' '));
await session.dispose?.();
await model.runner.dispose();
