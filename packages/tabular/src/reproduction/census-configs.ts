import { OrderlensInputError } from '@orderlens/core';
import { parseOrderLossSpec } from '@orderlens/core/math';

/** Adversarial accuracy (%) published for census MLPs (MATH.md, paper Table 2): [MLP-5, MLP-8]. */
export const PAPER_ADVERSARIAL_ACCURACY: Readonly<Record<string, readonly [number, number]>> = {
  normal: [38.22, 39.33],
  low: [42.4, 44.65],
  // The journal extension reports the same table for its own low-order definition.
  'low-journal': [42.4, 44.65],
  mid: [15.93, 18.1],
  high: [7.31, 2.02],
};

/** How `reproduce census` configures the four model types. */
export const CENSUS_PROTOCOLS = ['table2', 'presets'] as const;
/** `table2`: the paper's Table-2 configurations; `presets`: MATH.md presets with λ1 = λ2 = 1. */
export type CensusProtocol = (typeof CENSUS_PROTOCOLS)[number];

/** Dense layers of the census architectures (output layer included). */
export const CENSUS_ARCHITECTURES: Readonly<Record<string, number>> = { mlp2: 2, mlp5: 5, mlp8: 8 };

/** The order losses and weights one model of a protocol is trained with. */
export interface CensusModelConfig {
  /** Order-loss spec for training: a preset name or `plus:r1,r2;minus:r1,r2` terms (`normal`: none). */
  readonly loss: string;
  /** λ1, the weight of the `L+` terms. */
  readonly lambdaPlus: number;
  /** λ2, the weight of the `L−` terms. */
  readonly lambdaMinus: number;
  /** The configuration in words, printed in the table. */
  readonly label: string;
}

/**
 * The configurations behind the paper's Table 2 (ICLR 2022, appendix C.2.3 "More experiments on
 * adversarial robustness", and Section 3.4 for the high-order DNN), each with its own λ1, λ2.
 * They differ from the Section-3.4 presets of MATH.md, which the paper used for its image models.
 */
export const TABLE2_CONFIGS: Readonly<
  Record<'normal' | 'low' | 'low-journal' | 'mid' | 'high', CensusModelConfig>
> = {
  normal: { loss: 'normal', lambdaPlus: 0, lambdaMinus: 0, label: 'CE only' },
  low: {
    loss: 'plus:0,0.5;minus:0.6,1',
    lambdaPlus: 10,
    lambdaMinus: 10,
    label: 'L+(0,0.5) + L−(0.6,1), λ1=10, λ2=10 (ICLR 2022 App. C.2.3)',
  },
  // The journal extension's low-order model (§6.3): only L−(0.7, 1), λ2 = 1; `low` above is
  // the ICLR-2022 appendix's. Run both with `--losses normal,low,low-journal,mid,high`.
  'low-journal': {
    loss: 'minus:0.7,1',
    lambdaPlus: 0,
    lambdaMinus: 1,
    label: 'L−(0.7,1), λ2=1 (journal §6.3)',
  },
  mid: { loss: 'plus:0.3,0.7', lambdaPlus: 10, lambdaMinus: 0, label: 'L+(0.3,0.7), λ1=10, λ2=0' },
  high: {
    loss: 'plus:0.6,1;minus:0,0.5',
    lambdaPlus: 1,
    lambdaMinus: 1,
    label: 'L+(0.6,1) + L−(0,0.5), λ1=1, λ2=1',
  },
};

/**
 * The configuration of model type `loss` under `protocol`. `table2` knows `normal`, `low`, `mid`,
 * `high`; `presets` takes any order-loss spec (preset or terms) with λ1 = λ2 = 1.
 */
export function censusModelConfig(
  protocol: CensusProtocol,
  loss: string,
  field = '--losses',
): CensusModelConfig {
  if (protocol === 'table2') {
    if (!(loss in TABLE2_CONFIGS))
      throw new OrderlensInputError(
        field,
        `unknown model type "${loss}" for protocol table2; expected one of ${Object.keys(TABLE2_CONFIGS).join(', ')}`,
      );
    return TABLE2_CONFIGS[loss as keyof typeof TABLE2_CONFIGS];
  }
  const terms = parseOrderLossSpec(loss, field);
  const text = terms.map((t) => `${t.kind === 'plus' ? 'L+' : 'L−'}(${t.r1},${t.r2})`).join(' + ');
  return {
    loss,
    lambdaPlus: 1,
    lambdaMinus: 1,
    label: terms.length ? `preset ${loss}: ${text}, λ1=1, λ2=1` : 'CE only',
  };
}

/** Where the paper's strength figures put each model's mass (for the table's comparison column). */
export const PAPER_SHAPE: Readonly<Record<string, string>> = {
  normal: 'strong low and high orders, weak middle (bottleneck)',
  low: 'mass at low orders, high orders suppressed',
  'low-journal': 'mass at low orders, high orders suppressed',
  mid: 'mass boosted at middle orders',
  high: 'low orders suppressed, mass at high orders',
};

/** Training recipes of `--optimizer`: learning rate and momentum. */
export const CENSUS_OPTIMIZERS = {
  /** Adam, lr 0.001 (tfjs defaults otherwise): orderlens' census default. */
  adam: { optimizer: 'adam', learningRate: 0.001 },
  /**
   * SGD with momentum 0.9 and lr 0.01: the ICLR-2022 image trainer's optimizer
   * (trainer_dropout_deltav_baseline.py: `torch.optim.SGD(lr 0.01, momentum 0.9)`); its weight
   * decay 5e−4 and log-spaced learning-rate decay are not reproduced.
   */
  sgd: { optimizer: 'sgd', learningRate: 0.01, momentum: 0.9 },
} as const satisfies Record<string, { optimizer: 'adam' | 'sgd'; learningRate: number; momentum?: number }>;

/** Name of a recipe in {@link CENSUS_OPTIMIZERS}. */
export type CensusOptimizer = keyof typeof CENSUS_OPTIMIZERS;

/**
 * How training rows are drawn each epoch: `balanced` (a class uniformly, then a row of it, with
 * replacement; the same lab's `aog` census code) or `shuffled` (a plain shuffle of all rows, as
 * the Learn repository's `DataLoader(shuffle=True)`).
 */
export const CENSUS_SAMPLERS = ['balanced', 'shuffled'] as const;
export type CensusSampler = (typeof CENSUS_SAMPLERS)[number];
