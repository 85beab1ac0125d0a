import type { FeatureRunner, ModelOutput, ModelRunner, RunnerCapabilities } from '../model/contracts.js';
import type { NamedTensors, TensorData } from '../model/tensor.js';

/**
 * Why a model was called. Every model row of an analysis, a dynamics run or an attack is counted
 * under one of these:
 * - `selection`: predictions that choose the samples (correctly classified ones);
 * - `labels`: predictions that give unlabelled data its label (the class the model decides);
 * - `word-effects`: single-word masking that chooses a sentence's players by effect;
 * - `estimation`: the masked coalitions of the games;
 * - `feature-map-prefix`: the model up to a cut tensor, once per image;
 * - `dynamics`: the one-row check that checkpoints are the same model;
 * - `attack`: forward-and-gradient rows of an adversarial attack (PGD) and its accuracies;
 * - `noise`: the coalitions of perturbed inputs of the noise-sensitivity measure.
 */
export const CALL_PURPOSES = [
  'selection',
  'labels',
  'word-effects',
  'estimation',
  'feature-map-prefix',
  'dynamics',
  'attack',
  'noise',
] as const;

/** Why a model was called (see {@link CALL_PURPOSES}). */
export type CallPurpose = (typeof CALL_PURPOSES)[number];

/** Model input rows run per purpose (a row is one input: an image, a sentence, a masked coalition). */
export type CallCounts = Record<CallPurpose, number> & { total: number };

/** Zero counts. */
export function emptyCallCounts(): CallCounts {
  const c = { total: 0 } as CallCounts;
  for (const p of CALL_PURPOSES) c[p] = 0;
  return c;
}

/**
 * Adds `b` into `a` (in place) and returns `a`. A purpose `b` lacks counts 0 (results stored
 * before the purpose existed).
 */
export function addCallCounts(a: CallCounts, b: Partial<Record<string, number>>): CallCounts {
  let total = 0;
  for (const p of CALL_PURPOSES) {
    a[p] += b[p] ?? 0;
    total += a[p];
  }
  a.total = total;
  return a;
}

/**
 * A runner whose every row is counted by a {@link ModelGateway} under `purpose`. Library code that
 * runs a model outside a game's Evaluator (sample selection, label prediction, word effects,
 * image classification) takes this type, not a bare `ModelRunner`, so that an uncounted call
 * does not compile.
 */
export interface CountedRunner extends ModelRunner {
  /** What the rows are counted as. */
  readonly purpose: CallPurpose;
}

/** A {@link FeatureRunner} (a graph-cut prefix) whose rows a {@link ModelGateway} counts. */
export interface CountedFeatureRunner extends FeatureRunner {
  readonly purpose: CallPurpose;
}

/**
 * The one door every model call goes through: it counts the rows each call runs, by purpose. An
 * analysis wraps its runner once per purpose (`gateway.wrap(runner, 'estimation')`) and hands the
 * wrapped runners to the games, so the counts in a result are what the runtime really ran,
 * whoever asked (the Evaluator for coalitions, sample selection, label prediction, word effects,
 * feature-map prefixes, attacks).
 */
export class ModelGateway {
  private readonly counts = emptyCallCounts();

  /** Calls so far (a copy). */
  get calls(): CallCounts {
    return { ...this.counts };
  }

  /**
   * Records `rows` model rows run for `purpose`. For work that runs a model outside a
   * `ModelRunner` (a tfjs gradient step of PGD); a runner's calls are counted by {@link wrap}.
   */
  record(purpose: CallPurpose, rows: number): void {
    this.counts[purpose] += rows;
    this.counts.total += rows;
  }

  /**
   * `runner`, with every batch it runs counted under `purpose`; so is every batch of its
   * `inputGradients` capability (a forward and backward pass per row: an attack's gradient steps).
   */
  wrap(runner: ModelRunner, purpose: CallPurpose): CountedRunner {
    const record = (rows: number) => this.record(purpose, rows);
    return {
      purpose,
      get backend() {
        return runner.backend;
      },
      inputNames: runner.inputNames,
      capabilities: countedCapabilities(runner.capabilities, record),
      async run(inputs: NamedTensors): Promise<ModelOutput> {
        const out = await runner.run(inputs);
        record(out.rows);
        return out;
      },
      dispose: () => runner.dispose(),
    };
  }

  /** A graph-cut prefix, with every batch it runs counted under `purpose` (rows: the leading dimension). */
  wrapFeature(prefix: FeatureRunner, purpose: CallPurpose): CountedFeatureRunner {
    const record = (rows: number) => this.record(purpose, rows);
    return {
      purpose,
      async run(inputs: NamedTensors): Promise<TensorData> {
        const out = await prefix.run(inputs);
        record(out.dims[0] ?? 1);
        return out;
      },
      dispose: () => prefix.dispose(),
    };
  }
}

/** `capabilities` with the rows of each input-gradient call recorded (the others run no model rows). */
function countedCapabilities(
  capabilities: RunnerCapabilities | undefined,
  record: (rows: number) => void,
): RunnerCapabilities | undefined {
  const gradients = capabilities?.inputGradients;
  if (gradients === undefined) return capabilities;
  return {
    ...capabilities,
    inputGradients: {
      async crossEntropyGradient(inputs, inputName, labels) {
        const out = await gradients.crossEntropyGradient(inputs, inputName, labels);
        record(out.logits.rows);
        return out;
      },
    },
  };
}
