import { PAPER_PGD, type CensusReproduction, type CensusReproductionOptions } from './reproduce-census.js';
import { formatSpread, type SeedSpread } from './seed-summary.js';

const pct = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2));

/** The reproduction tables in Markdown: seed means ± spread, then every seed's row. */
export function formatReproductionTable(rep: CensusReproduction, options: CensusReproductionOptions): string {
  const seeds = options.seeds.join(', ');
  const protocolLine =
    options.protocol === 'table2'
      ? "Protocol table2: each model type trained with the paper's Table-2 configuration (appendix C.2.3; high-order as Section 3.4)."
      : "Protocol presets: MATH.md presets with λ1 = λ2 = 1; these are NOT the configurations behind the paper's Table 2, so the paper column is only indicative.";
  const conv = options.lossConventions;
  const lines = [
    `Census (UCI Adult, the Learn repository's recipe), ${rep.trainRows} training rows, ${options.epochs} epochs, ${options.optimizer}, ${options.sampler} sampling` +
      `${conv ? `, order-loss sizes ${conv.sizes ?? 'round'} / coefficient ${conv.coefficient ?? 'drawn'}` : ''}; ` +
      `PGD L∞ ε=${PAPER_PGD.eps}, ${PAPER_PGD.steps} steps of ${PAPER_PGD.stepSize} on ${rep.attackRows} test rows, ${options.epsUnits === 'raw' ? 'ε and step in each feature’s raw units (ε/σ per feature on the z-scored inputs), clipped to each feature’s data range' : options.pgdClip ? 'in z units, clipped to each feature’s data range' : 'in z units, not clipped'}; exact J(m) over ${options.samples} samples; seeds ${seeds}.`,
    protocolLine,
    '',
    `Mean ± standard deviation over ${options.seeds.length} seed(s) (accuracy %, on the attacked rows):`,
    '',
    '| model | type | order losses (λ1, λ2) | clean acc % | adv acc % | adv acc min–max | paper adv acc % | low-30% share | high-30% share |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rep.summaries.map((s) => {
      const adv = scale(s.adversarialAccuracy);
      return `| ${s.arch.toUpperCase()} | ${s.loss} | ${s.configuration} | ${formatSpread(scale(s.cleanAccuracy))} | **${formatSpread(adv)}** | ${adv.min.toFixed(2)}–${adv.max.toFixed(2)} | ${pct(s.paperAdversarialAccuracy)} | ${formatSpread(s.lowShare, 3)} | ${formatSpread(s.highShare, 3)} |`;
    }),
    '',
    ...Object.entries(rep.ordering).map(
      ([arch, o]) =>
        `${arch.toUpperCase()}: low > normal > mid > high in the seed means: ${o.holds === undefined ? 'n/a (not every type was run)' : o.holds ? 'holds' : `does not hold (${o.broken.join(', ')})`}.`,
    ),
    '',
    'Every seed:',
    '',
    '| model | type | order losses (λ1, λ2) | clean acc % | adv acc % | paper adv acc % | seed | test acc % | J(m), m = 0…n−2 (mean 1) | low-30% | high-30% | n′ |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rep.rows.map(
      (r) =>
        `| ${r.arch.toUpperCase()} | ${r.loss} | ${r.configuration} | ${pct(100 * r.cleanAccuracy)} | ${pct(100 * r.adversarialAccuracy)} | ${pct(r.paperAdversarialAccuracy)} | ${r.seed} | ${pct(100 * r.testAccuracy)} | ${r.J.map((v) => v.toFixed(2)).join(' ')} | ${r.lowShare.toFixed(3)} | ${r.highShare.toFixed(3)} | ${r.nEff ?? '—'} |`,
    ),
    '',
    "Paper ordering of adversarial accuracy: low > normal > mid > high; the paper's normal models: 38.22 (MLP-5), 39.33 (MLP-8).",
    '',
  ];
  return lines.join('\n');
}

/** A spread of fractions as percentages. */
function scale(s: SeedSpread): SeedSpread {
  return { mean: 100 * s.mean, sd: 100 * s.sd, min: 100 * s.min, max: 100 * s.max, count: s.count };
}
