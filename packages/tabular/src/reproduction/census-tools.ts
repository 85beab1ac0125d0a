import { openModel, type DeviceName } from '@orderlens/core';
import { attackTabular, maxPerturbation, type TabularAttackProgress } from '../attack/attack-tabular.js';
import { pgdLinf } from '../attack/pgd-linf.js';
import type {
  CensusAttackJob,
  CensusAttackResult,
  CensusReproductionTools,
  StepProgress,
} from './reproduce-census.js';

/**
 * The part of a reproduction that needs a training runtime: runtime-tfjs's `tfjsTabularTrainer`
 * is one (this package never imports a runtime; the CLI joins the two).
 */
export interface CensusTrainer {
  readonly train: CensusReproductionTools['train'];
  /** The device the trained models are opened on (words of the one `--device` policy). */
  readonly device: DeviceName;
}

/**
 * The tools of a reproduction around `trainer`: trained models are opened through the runtime
 * registry on the trainer's device, and attacked with PGD through their runner's
 * `inputGradients` capability (its rows counted as `attack`). With `attackSamples` > 0 the
 * z-unit, unclipped attack also measures the per-order change of interactions on that many rows
 * (`--attack-samples`; the options refuse it with clipping or raw units).
 */
export function censusReproductionTools(
  trainer: CensusTrainer,
  options: { readonly attackSamples: number; readonly packages?: Record<string, string> },
): CensusReproductionTools {
  const open = (dir: string) => openModel({ spec: dir, device: trainer.device });
  return {
    train: (job, onProgress) => trainer.train(job, onProgress),
    openModel: open,
    async attack(job, onProgress) {
      const model = await open(job.dir);
      try {
        return await attackCensusModel(model.runner, job, options.attackSamples, onProgress);
      } finally {
        await model.runner.dispose();
      }
    },
    ...(options.packages ? { packages: options.packages } : {}),
  };
}

/** PGD on one trained model, and the per-order change where `attackSamples` asks for it. */
async function attackCensusModel(
  runner: Parameters<typeof pgdLinf>[0]['runner'],
  job: CensusAttackJob,
  attackSamples: number,
  onProgress: StepProgress | undefined,
): Promise<CensusAttackResult> {
  const { rows, eps, stepSize } = job;
  if (attackSamples > 0 && !job.clip && typeof eps === 'number' && typeof stepSize === 'number') {
    const r = await attackTabular({
      runner,
      rows,
      baseline: job.baseline,
      eps,
      steps: job.steps,
      stepSize,
      samples: attackSamples,
      ...(onProgress ? { onProgress: (p: TabularAttackProgress) => onProgress(...attackShare(p)) } : {}),
    });
    return {
      cleanAccuracy: r.cleanAccuracy,
      adversarialAccuracy: r.adversarialAccuracy,
      maxPerturbation: r.maxPerturbation,
      ...(r.orderChange ? { relativeChange: r.orderChange.relativeChange } : {}),
      modelCalls: r.modelCalls,
    };
  }
  const r = await pgdLinf({
    runner,
    x: rows.x,
    y: rows.y,
    featureCount: rows.featureCount,
    eps,
    steps: job.steps,
    stepSize,
    ...(job.clip ? { clip: job.clip } : {}),
    ...(onProgress ? { onProgress: (p) => onProgress(...attackShare({ phase: 'pgd', ...p }, 1)) } : {}),
  });
  return {
    cleanAccuracy: r.cleanAccuracy,
    adversarialAccuracy: r.adversarialAccuracy,
    maxPerturbation: maxPerturbation(rows.x, r.adversarial),
    modelCalls: r.modelCalls,
  };
}

/**
 * An attack's progress as the share of it done and its words; PGD is `pgdShare` of the attack
 * (half when the interaction change follows it).
 */
function attackShare(p: TabularAttackProgress, pgdShare = 0.5): [number, string] {
  if (p.phase === 'pgd') {
    const within = ((p.batch - 1) * p.steps + p.step) / (p.batches * p.steps);
    return [pgdShare * within, `PGD batch ${p.batch}/${p.batches}, step ${p.step}/${p.steps}`];
  }
  return [
    pgdShare + (1 - pgdShare) * (p.sample / p.samples),
    `interaction change, sample ${p.sample}/${p.samples}`,
  ];
}
