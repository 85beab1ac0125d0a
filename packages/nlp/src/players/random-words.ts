import { Rng } from '@orderlens/core';

/**
 * The two-phase paper's text players (App. F.3): `count` of the eligible words (the player rule's
 * "meaningful" words) drawn at random, returned in reading order. The draw depends only on the
 * seed and the sentence's id, so a sentence keeps its players at every checkpoint of a dynamics
 * run and in a resumed run, while different sentences get independent draws.
 */
export function randomWords(
  eligible: readonly number[],
  count: number,
  seed: number,
  sentenceId: string,
): number[] {
  return Rng.create(seed)
    .fork('random-words', sentenceId)
    .sample(eligible, Math.min(count, eligible.length))
    .sort((a, b) => a - b);
}
