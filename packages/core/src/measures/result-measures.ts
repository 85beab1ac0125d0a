import { OrderlensInputError, requireInput } from '../errors/errors.js';
import type { InteractionResult, ResultMeasures, SampleResult } from '../result/interaction-result.js';
import { generalizationByOrder, type GeneralizationFields } from './generalization.js';
import type { SalientSample } from './salient-samples.js';
import { transferAcrossNetworks, transferAcrossSamples } from './transferability.js';

/*
 * The measures over result documents: the salient AND-OR interactions a result's samples carry
 * (`andOr.salient`) are all generalization and transfer need, so they are computed from finished
 * results — of one run per split or per network — without a model call.
 */

/** The salient interactions of a result's samples; refused (naming `field`) without AND-OR blocks. */
export function salientSamplesOf(result: InteractionResult, field: string): SalientSample[] {
  const missing = result.samples.find((s) => !s.andOr);
  if (missing)
    throw new OrderlensInputError(
      field,
      `sample ${missing.id} has no AND-OR interactions (estimator ${result.estimator.name}); these measures need the and-or estimator`,
    );
  return result.samples.map((s) => ({
    id: s.id,
    label: s.label,
    n: s.players.n,
    salient: s.andOr!.salient.map((e) => ({ mask: e.mask, kind: e.kind, value: e.value })),
  }));
}

/** Generalization per order between a training-split and a test-split result of the same network. */
export function generalizationMeasure(
  train: InteractionResult,
  test: InteractionResult,
  fields: GeneralizationFields,
  sources: { readonly train: string; readonly test: string },
): NonNullable<ResultMeasures['generalization']> {
  requireInput(
    train.provenance.model?.sha256 === test.provenance.model?.sha256,
    fields.test,
    'the two splits were analysed with different models; generalization compares one network on two splits',
  );
  const differ = unsharedSamples([train, test]);
  if (differ)
    throw new OrderlensInputError(
      fields.test,
      `${differ}: the Jaccard similarity compares a set of players between samples, so every sample of both splits needs the same players`,
    );
  return {
    ...sources,
    ...generalizationByOrder(
      salientSamplesOf(train, fields.train),
      salientSamplesOf(test, fields.test),
      fields,
    ),
  };
}

/**
 * What identifies a sample's players across networks: their kind and everything that places them
 * (attribute names, grid cells, words, feature-map shape, region centroids), never their values.
 */
export function playersIdentity(players: SampleResult['players']): string {
  switch (players.kind) {
    case 'attributes':
      return `attributes:${players.names.join('\u0000')}`;
    case 'grid':
      return `grid:${players.rows}x${players.cols}:${players.height}x${players.width}:${(players.cells ?? []).join(',')}`;
    case 'feature-map':
      return `feature-map:${players.tensor}:${players.rows}x${players.cols}`;
    case 'words':
      return `words:${players.words.join('\u0000')}`;
    case 'regions':
      // Shared regions are their anchors; per-cloud regions their centroids (equal only on one cloud).
      if (players.anchors)
        return `anchors:${players.anchors.map((c) => c.map((x) => x.toFixed(5)).join(',')).join(';')}`;
      return `regions:${players.centroids.map((c) => c.map((x) => x.toFixed(5)).join(',')).join(';')}`;
    case 'generic':
      return `generic:${players.n}:${(players.names ?? []).join('\u0000')}`;
  }
}

/**
 * Two samples, among every sample of `results`, whose players differ ({@link playersIdentity}),
 * described; undefined when every sample has the same players. Generalization and transfer across
 * samples compare a set `S` between samples, which means something only over the same players.
 */
export function unsharedSamples(results: readonly InteractionResult[]): string | undefined {
  const first = results.find((r) => r.samples.length > 0)?.samples[0];
  if (!first) return undefined;
  const id = playersIdentity(first.players);
  for (const r of results)
    for (const s of r.samples)
      if (playersIdentity(s.players) !== id)
        return `samples ${first.id} and ${s.id} have different players (${first.players.kind}${first.players.kind === 'regions' && !first.players.anchors ? ': each cloud its own regions' : first.players.kind === 'words' ? ': each sentence its own words' : ''})`;
  return undefined;
}

/**
 * Transferability: across the samples of each class of the first network, and between the first
 * network and every other one on the same samples over the same players (refused naming
 * `field` otherwise). Across samples needs every sample to have the same players
 * ({@link unsharedSamples}): without, it is left out when networks are compared, and a single
 * network is refused.
 */
export function transferMeasure(
  results: ReadonlyArray<{ readonly label: string; readonly result: InteractionResult }>,
  field: string,
): NonNullable<ResultMeasures['transfer']> {
  requireInput(results.length > 0, field, 'expected at least one network');
  const [first, ...others] = results;
  const a = salientSamplesOf(first.result, field);
  const acrossNetworks = others.map(({ label, result }) => {
    const b = salientSamplesOf(result, field);
    const playersB = new Map(result.samples.map((s) => [s.id, playersIdentity(s.players)]));
    for (const s of first.result.samples) {
      const pb = playersB.get(s.id);
      if (pb !== undefined && pb !== playersIdentity(s.players))
        throw new OrderlensInputError(
          field,
          `${first.label} and ${label} have different players on sample ${s.id}: interactions transfer only over the same players`,
        );
    }
    return { a: first.label, b: label, ...transferAcrossNetworks(a, b, { field }) };
  });
  const classesWithTwo = new Set(
    a.map((s) => s.label).filter((c, i, all) => all.indexOf(c) !== all.lastIndexOf(c)),
  );
  const differ = unsharedSamples([first.result]);
  if (differ && acrossNetworks.length === 0)
    throw new OrderlensInputError(
      field,
      `${differ}: transfer across samples compares a set of players between samples, so it needs the same players on every sample (with a second network, transfer between networks is measured on each sample's own players)`,
    );
  return {
    ...(classesWithTwo.size > 0 && !differ ? { acrossSamples: transferAcrossSamples(a, field) } : {}),
    ...(acrossNetworks.length ? { acrossNetworks } : {}),
  };
}
