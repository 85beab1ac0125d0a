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
  /**
   * Mask batch k+1 while batch k runs (default: when the runner is not on the CPU, i.e. its
   * `backend` does not end in `:cpu` or `:wasm`). Never changes the values.
   */
  pipeline?: boolean;
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
    const execute = async (p: PreparedBatch, count: number): Promise<Float64Array> => {
      const out = await runner.run(p.inputs);
      // The model is done with the inputs: their buffers may serve the next batch.
      masker.recycle?.(p.inputs);
      requireInput(
        out.rows === count,
        'model output',
        `expected ${count} rows for the batch, got ${out.rows}`,
      );
      onLogits?.(out, p.batch, p.start, p.end);
      const values = new Float64Array(count);
      computeReward(name, out, label, values);
      return values;
    };
    const prepare = (batch: CoalitionBatch, start: number, end: number): PreparedBatch => ({
      inputs: masker.mask(batch, start, end),
      batch,
      start,
      end,
    });
    // Masking the next batch while the model runs pays off when the model runs elsewhere (a GPU);
    // on the CPU both compete for the same cores: measured on the 2-core development machine, no
    // wall-time gain and 5–30 % more CPU time for a small MLP. So pipeline only off the CPU.
    const pipeline = options.pipeline ?? !/:(cpu|wasm)\b/.test(runner.backend);
    this.evaluator = new Evaluator(
      pipeline
        ? {
            prepare,
            execute: (prepared: unknown, count: number) => execute(prepared as PreparedBatch, count),
          }
        : (batch: CoalitionBatch, start: number, end: number) =>
            execute(prepare(batch, start, end), end - start),
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
