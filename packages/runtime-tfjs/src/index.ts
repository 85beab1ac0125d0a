/**
 * @orderlens/runtime-tfjs — a TensorFlow.js {@link ModelRunner} for orderlens, model files on
 * disk without tfjs-node, MLP builders, resumable training with the order losses (tabular MLPs
 * with snapshots included), checkpoint folders, PGD attacks, and the pretrained nsfwjs MobileNetV2
 * (`--model nsfwjs`).
 */
export * from './backend/init-tfjs.js';
export * from './io/file-io-handler.js';
export * from './io/model-files.js';
export * from './io/open-layers-model.js';
export * from './io/checkpoint-folder.js';
export * from './runner/input-tensors.js';
export * from './runner/tfjs-runner.js';
export * from './models/build-mlp.js';
export * from './models/build-patch-cnn.js';
export * from './train/dataset.js';
export * from './train/order-loss-batch.js';
export * from './train/train-classifier.js';
export * from './train/checkpoint.js';
export * from './train/checkpoint-plan.js';
export * from './train/optimizer-state.js';
export * from './attack/pgd-linf.js';
export * from './train/evaluate-order-losses.js';
export * from './train/two-class-logits.js';
export * from './train/training-interruption.js';
export * from './train/snapshot-index.js';
export * from './train/tabular-mlp.js';
export * from './runner/yielding-runner.js';
export * from './pretrained/nsfwjs.js';
export * from './factory/tfjs-factory.js';
export * from './factory/nsfwjs-factory.js';
