import {
  CoalitionBatch,
  computeReward,
  requireInput,
  type CountedRunner,
  type Masker,
} from '@orderlens/core';

/** Which `count` of the eligible words become players (`--word-choice`). */
export type WordChoice = 'first' | 'effect' | 'random';

/** Options of {@link chooseByEffect}. */
export interface EffectChoiceOptions {
  /** Word indices the player rule accepts, ascending. */
  readonly eligible: readonly number[];
  readonly count: number;
  /** A masker whose players are the eligible words, in the order of `eligible`. */
  readonly masker: Masker;
  /** The runner, counted by the caller's gateway (as `word-effects`). */
  readonly runner: CountedRunner;
  /** Class whose log-odds measure the effect. */
  readonly label: number;
}

/**
 * The `count` eligible words with the largest single-word effect: with every eligible word
 * present, the change in the log-odds of `label` when the word alone is masked,
 * `|v(N) − v(N∖{i})|` (`n + 1` model rows, one batch). Ties go to the earlier word; the chosen
 * words are returned in reading order with every eligible word's effect.
 */
export async function chooseByEffect(
  options: EffectChoiceOptions,
): Promise<{ words: number[]; effects: number[] }> {
  const { eligible, count, masker } = options;
  const n = eligible.length;
  requireInput(masker.n === n, 'masker', `has ${masker.n} players, expected the ${n} eligible words`);
  const batch = new CoalitionBatch(n, n + 1);
  const all = Array.from({ length: n }, (_, i) => i);
  batch.pushPlayers(all);
  for (let i = 0; i < n; i++) batch.pushPlayers(all.filter((j) => j !== i));
  const out = await options.runner.run(masker.mask(batch, 0, n + 1));
  requireInput(out.rows === n + 1, 'model output', `expected ${n + 1} rows, got ${out.rows}`);
  const v = new Float64Array(n + 1);
  computeReward('log-odds', out, options.label, v);
  const effects = all.map((i) => v[0] - v[i + 1]);
  const order = [...all].sort((a, b) => Math.abs(effects[b]) - Math.abs(effects[a]) || a - b);
  const words = order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => eligible[i]);
  return { words, effects };
}
