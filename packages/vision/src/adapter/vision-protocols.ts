import { OrderlensInputError, type AdapterPlanCheck, type AnalysisProtocol } from '@orderlens/core';
import { PAPER_RATIOS, countNeighbourPairs } from '@orderlens/core/math';
import { parseGridSize } from '../grid/patch-grid.js';

const grid200 = { name: 'grid' as const, count: 200, radius: 2 };
const selection = { perClass: 5, order: 'class' as const };

/** The protocols of the bottleneck papers (ICLR 2022) and the cheaper ones measured here. */
export const VISION_ANALYSIS_PROTOCOLS: readonly AnalysisProtocol[] = [
  {
    name: 'unbiased',
    description:
      'the default: reference estimator, 30 contexts, 200 pairs r ≤ 2, J(m) from the bias-bracketed |I|: within ±5 % of a high-precision reference at every order on the CIFAR CNN and ViT (worst +2.9 % / −2.2 %) with 0.30× the reference calls (docs/j-accuracy.md)',
    estimator: 'reference',
    estimatorOptions: { contexts: 30, repeats: 2, ratios: [...PAPER_RATIOS], strength: 'bracket' },
    pairs: grid200,
    selection,
  },
  {
    name: 'adaptive',
    description:
      'reference-mode contexts allocated per order: 8 per (pair, order) to start, the orders whose 95 % interval of J(m) is wider than ±5 % doubled while the budget (16 on average, about 1/6 of the reference calls) lasts; J(m) bracketed, with its interval and a per-order flag where the target was not reached (docs/j-accuracy.md)',
    estimator: 'adaptive',
    estimatorOptions: {
      ratios: [...PAPER_RATIOS],
      initialContexts: 8,
      budgetContexts: 16,
      targetError: 0.05,
      repeats: 2,
    },
    pairs: grid200,
    selection,
  },
  {
    name: 'lite',
    description:
      'reference estimator, 10 contexts, 200 pairs r ≤ 2, plain mean of |Î|: the cheapest route below 0.05 instability, but J(m) up to 24 % high at the middle orders of the CIFAR CNN',
    estimator: 'reference',
    estimatorOptions: { contexts: 10, repeats: 2, ratios: [...PAPER_RATIOS] },
    pairs: grid200,
    selection,
  },
  {
    name: 'reference',
    description: 'ICLR 2022: 200 pairs within Chebyshev radius 2, 100 contexts each, 16×16 grid',
    estimator: 'reference',
    estimatorOptions: { contexts: 100, repeats: 2, ratios: [...PAPER_RATIOS] },
    pairs: grid200,
    selection,
  },
  {
    name: 'fast',
    description: 'contexts shared between pairs, 32 per order',
    estimator: 'shared',
    estimatorOptions: { contexts: 32, repeats: 2, ratios: [...PAPER_RATIOS] },
    pairs: grid200,
    selection,
  },
  {
    name: 'iclr2022',
    description:
      "the ICLR-2022 code's conventions: 200 pairs at the 24 offsets (clamped at the border), 100 contexts at every order m = 0 and n−2 included, first 5 per class then the misclassified dropped; use with --dataset cifar10-train; baseline 0 in normalised space (--baseline zero, the same as mean for normalised models)",
    estimator: 'reference',
    // One run, as the authors'; 100 contexts drawn at every order (gen_pairs_pixel.py).
    estimatorOptions: {
      contexts: 100,
      repeats: 1,
      ratios: [...PAPER_RATIOS],
      enumerateSmallOrders: false,
    },
    pairs: { name: 'grid', count: 200, radius: 2, partner: 'offsets' },
    // sampler.py: the first selected_img_number // 10 = 5 images per class of the training set,
    // class 0 first, then check_if_correct_cls drops the misclassified ones.
    selection: { rule: 'first-then-correct', perClass: 5, order: 'class' },
  },
];

/**
 * Refuses, when the analysis is planned (before any model call or file in `--out`), more grid
 * pairs than the grid holds within the pair radius: a 5×5 grid has 168 pairs within radius 2, so
 * the protocols' 200 cannot be drawn. Grids known only from the images (`--vit-patch`) are checked
 * when the pairs are drawn.
 */
export function checkPairsFitTheGrid(plan: AdapterPlanCheck): void {
  const pairs = plan.pairs;
  const o = plan.adapterOptions as { grid?: string; vitPatch?: number };
  if (pairs?.name !== 'grid' || o.vitPatch !== undefined) return;
  const { rows, cols } = parseGridSize(o.grid ?? '16', '--grid');
  const possible = countNeighbourPairs(rows, cols, pairs.radius);
  if (pairs.count > possible)
    throw new OrderlensInputError(
      'pairs',
      `a ${rows}×${cols} grid has only ${possible} distinct pairs within Chebyshev radius ${pairs.radius}, asked for ${pairs.count}; ask for at most ${possible} pairs (--pairs), a larger --radius or a larger --grid`,
    );
}
