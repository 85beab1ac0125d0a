import { canonicalJson } from '../analysis/run-store.js';
import { OrderlensInputError, requireInput } from '../errors/errors.js';

/**
 * Largest number of players dynamics accepts: every checkpoint evaluates all `2^n` coalitions of
 * every sample and runs the AND-OR extraction on them (the same limit as `extractAndOrFromGame`).
 */
export const DYNAMICS_MAX_PLAYERS = 20;

/**
 * Refuses a checkpoint series that is empty or whose epochs are not non-negative integers in
 * strictly increasing order (a series over training time: a repeated or backwards epoch is a
 * mislabelled file, and the curves over epochs would be wrong).
 */
export function checkEpochs(epochs: readonly number[], field = 'checkpoints'): void {
  requireInput(epochs.length > 0, field, 'holds no checkpoints; dynamics needs at least one');
  epochs.forEach((e, k) =>
    requireInput(
      Number.isInteger(e) && e >= 0,
      `${field}[${k}].epoch`,
      `expected a non-negative integer, got ${String(e)}`,
    ),
  );
  for (let k = 1; k < epochs.length; k++)
    requireInput(
      epochs[k] > epochs[k - 1],
      field,
      `epochs must increase strictly, but checkpoint ${k + 1} has epoch ${epochs[k]} after epoch ${epochs[k - 1]} ` +
        `(epochs in order: ${epochs.join(', ')})`,
    );
}

/**
 * The checkpoints of `series` at the `wanted` epochs (all of them when undefined), in series
 * order; an epoch the series lacks is refused naming `field` and the epochs it has.
 */
export function checkpointsAtEpochs<C extends { readonly epoch: number }>(
  series: readonly C[],
  wanted: readonly number[] | undefined,
  field: string,
): C[] {
  if (wanted === undefined) return [...series];
  const missing = wanted.filter((e) => !series.some((c) => c.epoch === e));
  if (missing.length > 0)
    throw new OrderlensInputError(
      field,
      `the series has no epoch ${missing.join(', ')} (it has ${series.map((c) => c.epoch).join(', ')})`,
    );
  return series.filter((c) => wanted.includes(c.epoch));
}

/**
 * Refuses more than {@link DYNAMICS_MAX_PLAYERS} players, naming the `2^n` cost per sample and
 * checkpoint.
 */
export function checkDynamicsPlayers(n: number, field = 'players'): void {
  requireInput(Number.isInteger(n) && n >= 2, field, `expected at least 2 players, got ${n}`);
  requireInput(
    n <= DYNAMICS_MAX_PLAYERS,
    field,
    `AND-OR extraction evaluates every coalition: n = ${n} players needs 2^${n} = ` +
      `${(2 ** n).toLocaleString('en-US')} model calls per sample and checkpoint; the limit is n ≤ ${DYNAMICS_MAX_PLAYERS}`,
  );
}

function shorten(s: string, max = 160): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/**
 * Refuses checkpoints that are not the same model at different times: every fingerprint (input
 * names, shapes and types, architecture without weights, player count, output width — whatever
 * the caller put in it) must equal the reference, key by key. The message names the checkpoint
 * and the first key that differs.
 */
export function checkSameModel(
  reference: { epoch: number; fingerprint: Readonly<Record<string, unknown>> },
  other: { epoch: number; fingerprint: Readonly<Record<string, unknown>> },
  field = 'checkpoints',
): void {
  const keys = new Set([...Object.keys(reference.fingerprint), ...Object.keys(other.fingerprint)]);
  for (const key of [...keys].sort()) {
    const a = canonicalJson(reference.fingerprint[key] ?? null);
    const b = canonicalJson(other.fingerprint[key] ?? null);
    if (a !== b)
      throw new OrderlensInputError(
        field,
        `the checkpoint of epoch ${other.epoch} is not the same model as that of epoch ${reference.epoch}: ` +
          `they differ in ${key} (${shorten(b)} against ${shorten(a)}); dynamics compares one model over training`,
      );
  }
}
