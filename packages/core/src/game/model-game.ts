import { CoalitionBatch, requirePlayerCount } from '../coalition/coalition-batch.js';
import { requireInput } from '../errors/errors.js';
import { Evaluator, type EvaluatorOptions } from '../evaluator/evaluator.js';
import type { Masker, ModelOutput, ModelRunner } from '../model/contracts.js';
import type { NamedTensors } from '../model/tensor.js';
import { computeReward, type RewardSpec } from '../reward/reward.js';
import type { Game } from './game.js';

/** Options of a {@link ModelGame}: the reward and the Evaluator's batching, budget and progress. */
export interface ModelGameOptions extends EvaluatorOptions {
  /** Reward read off the logits; `name` defaults to `log-odds`. */
  reward: Partial<RewardSpec> & { label: number };
  /**
   * Called with the raw logits of every model batch and the coalitions they belong to
   * (`coalitions[start … end)`, row `r` ↔ coalition `start + r`), e.g. to store them so that the
   * reward can be changed later without calling the model again.
   */
  onLogits?: (out: ModelOutput, coalitions: CoalitionBatch, start: number, end: number) => void;
}

interface PreparedBatch {
  inputs: NamedTensors;
  batch: CoalitionBatch;
  start: number;
  end: number;
}

/**
 * `v(S) = reward(model(mask(x, S)))` for one input `x`: the game every analysis of a real model
 * plays. All model calls go through an {@link Evaluator}, so coalitions are de-duplicated and
 * cached, batched, counted and budgeted in one place.
 */
export class ModelGame implements Game {
  readonly n: number;
  readonly evaluator: Evaluator;
  private readonly reward: RewardSpec;
  private emptyValue: number | undefined;

  constructor(masker: Masker, runner: ModelRunner, options: ModelGameOptions) {
    requireInput(options.reward !== undefined, 'reward', 'a reward with a label is required');
    // Before any batch or cache is sized by it (see MAX_PLAYERS).
    requirePlayerCount(masker.n, 'masker.n');
    this.n = masker.n;
    this.reward = {
      name: options.reward.name ?? 'log-odds',
      label: options.reward.label,
      subtractEmpty: options.reward.subtractEmpty,
    };
    const name = this.reward.name;
    const label = this.reward.label;
    const onLogits = options.onLogits;
    this.evaluator = new Evaluator(
      {
        prepare: (batch: CoalitionBatch, start: number, end: number): PreparedBatch => ({
          inputs: masker.mask(batch, start, end),
          batch,
          start,
          end,
        }),
        execute: async (prepared: unknown, count: number) => {
          const p = prepared as PreparedBatch;
          const out = await runner.run(p.inputs);
          requireInput(
            out.rows === count,
            'model output',
            `expected ${count} rows for the batch, got ${out.rows}`,
          );
          onLogits?.(out, p.batch, p.start, p.end);
          const values = new Float64Array(count);
          computeReward(name, out, label, values);
          return values;
        },
      },
      options,
    );
  }

  get modelCalls(): number {
    return this.evaluator.modelCalls;
  }

  async evaluate(batch: CoalitionBatch): Promise<Float64Array> {
    const values = await this.evaluator.evaluate(batch);
    if (this.reward.subtractEmpty) {
      const v0 = await this.empty();
      for (let k = 0; k < values.length; k++) values[k] -= v0;
    }
    return values;
  }

  /** `v(∅)` before any subtraction (cached). */
  async empty(): Promise<number> {
    if (this.emptyValue === undefined) {
      const b = new CoalitionBatch(this.n, 1);
      b.pushEmpty();
      this.emptyValue = (await this.evaluator.evaluate(b))[0];
    }
    return this.emptyValue;
  }
}
