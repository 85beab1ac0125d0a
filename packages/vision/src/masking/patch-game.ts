import { ModelGame, type EvaluatorOptions, type ModelRunner, type RewardName } from '@orderlens/core';
import type { PatchGrid } from '../grid/patch-grid.js';
import type { ImageShape } from '../image/raw-image.js';
import { PatchMasker } from './patch-masker.js';

/** Options of {@link patchGame}. */
export interface PatchGameOptions extends EvaluatorOptions {
  readonly runner: ModelRunner;
  /** The image in model space. */
  readonly x: Float32Array;
  readonly baseline: Float32Array;
  readonly shape: ImageShape;
  readonly grid: PatchGrid;
  /** Class the reward is about (the true class). */
  readonly label: number;
  /** Default `log-odds`. */
  readonly reward?: RewardName;
  /** Model input name (default the runner's first input). */
  readonly inputName?: string;
  /** Player of each value, shared between images (`grid.playerOfElement(shape)`). */
  readonly playerOfElement?: Int32Array;
}

/**
 * `v(S) = reward(model(x with the patches outside S set to the baseline))` for one image.
 * The Evaluator memo is bounded (`cacheLimit`, default 250 000 values, about 40 MB of 256-player
 * keys): sampled protocols rarely repeat a coalition, but the ones they do repeat (`v(∅)`, `v(N)`,
 * singletons, the enumerated orders `m = 0` and `m = n−2` across repeats) come early and stay.
 */
export function patchGame(options: PatchGameOptions): ModelGame {
  const { runner, x, baseline, shape, grid, label } = options;
  const masker = new PatchMasker({
    x,
    baseline,
    shape,
    grid,
    inputName: options.inputName ?? runner.inputNames[0],
    playerOfElement: options.playerOfElement,
  });
  return new ModelGame(masker, runner, {
    reward: { name: options.reward ?? 'log-odds', label },
    batchSize: options.batchSize,
    budget: options.budget,
    cache: options.cache ?? true,
    cacheLimit: options.cacheLimit ?? 250_000,
    onProgress: options.onProgress,
    signal: options.signal,
  });
}
