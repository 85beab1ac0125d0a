import type { ModelOutput, ModelRunner } from '../model/contracts.js';
import type { NamedTensors } from '../model/tensor.js';

/**
 * Why a model was called: every call of an analysis is counted under one of these (`noise`: the
 * coalitions of perturbed inputs of the noise-sensitivity measure).
 */
export type CallPurpose = 'selection' | 'estimation' | 'feature-map-prefix' | 'attack' | 'noise';

/** Model input rows run per purpose (a row is one input: an image, a sentence, a masked coalition). */
export type CallCounts = Record<CallPurpose, number> & { total: number };

/** Zero counts. */
export function emptyCallCounts(): CallCounts {
  return { selection: 0, estimation: 0, 'feature-map-prefix': 0, attack: 0, noise: 0, total: 0 };
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addCallCounts(a: CallCounts, b: Partial<Record<string, number>>): CallCounts {
  for (const k of ['selection', 'estimation', 'feature-map-prefix', 'attack', 'noise'] as const)
    a[k] += b[k] ?? 0;
  a.total = a.selection + a.estimation + a['feature-map-prefix'] + a.attack + a.noise;
  return a;
}

/**
 * Counts the rows every model call runs, by purpose. An analysis wraps its runner once
 * (`gateway.runner('estimation')`) and hands the wrapped runners to the games, so the counts in a
 * result are what the runtime really ran, whoever asked (the Evaluator for coalitions, sample
 * selection, feature-map prefixes).
 */
export class ModelGateway {
  private readonly counts = emptyCallCounts();

  /** Calls so far (a copy). */
  get calls(): CallCounts {
    return { ...this.counts };
  }

  /** Records `rows` model rows run for `purpose`. */
  record(purpose: CallPurpose, rows: number): void {
    this.counts[purpose] += rows;
    this.counts.total += rows;
  }

  /** `runner`, with every batch it runs counted under `purpose`. */
  wrap(runner: ModelRunner, purpose: CallPurpose): ModelRunner {
    const record = (rows: number) => this.record(purpose, rows);
    return {
      get backend() {
        return runner.backend;
      },
      inputNames: runner.inputNames,
      capabilities: runner.capabilities,
      async run(inputs: NamedTensors): Promise<ModelOutput> {
        const out = await runner.run(inputs);
        record(out.rows);
        return out;
      },
      dispose: () => runner.dispose(),
    };
  }
}
