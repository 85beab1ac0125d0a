import { OrderlensInputError, openModel, type AnalysisPlan } from '@orderlens/core';

/** Where the split options' data is opened: the model's runtime settings. */
export interface SplitClassSettings {
  readonly spec: string;
  readonly device: Parameters<typeof openModel>[0]['device'];
  readonly threads?: number;
}

/** Labels of every candidate of a plan's data (unknown labels, −1, left out). */
async function candidateClasses(
  plan: AnalysisPlan,
  model: Awaited<ReturnType<typeof openModel>>,
): Promise<Map<number, number>> {
  const session = await plan.adapter.open({ options: plan.adapterOptions, model });
  try {
    const counts = new Map<number, number>();
    for (let k = 0; k < session.candidates; k++) {
      const { label } = session.candidate(k);
      if (label >= 0) counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    return counts;
  } finally {
    await session.dispose?.();
  }
}

/**
 * Refuses, before any model call, two splits whose data do not hold the same classes:
 * generalization compares a class's training samples with its test samples, so a class only one
 * split has would otherwise stop the command after both splits were analysed. Opens the model
 * and each split's data (no model call); the check after the analysis (`generalizationByOrder`)
 * stays, for a class of which the selection keeps no sample (none classified correctly).
 */
export async function requireSameClasses(
  plans: { readonly train: AnalysisPlan; readonly test: AnalysisPlan },
  settings: SplitClassSettings,
  fields: { readonly train: string; readonly test: string },
): Promise<void> {
  const model = await openModel({
    spec: settings.spec,
    device: settings.device,
    threads: settings.threads,
    log: () => undefined,
  });
  let train: Map<number, number>;
  let test: Map<number, number>;
  try {
    train = await candidateClasses(plans.train, model);
    test = await candidateClasses(plans.test, model);
  } finally {
    await model.runner.dispose();
  }
  // Data without labels (text explained for the predicted class) is checked after the analysis.
  if (train.size === 0 || test.size === 0) return;
  const missing = (a: Map<number, number>, b: Map<number, number>) =>
    [...a.keys()].filter((c) => !b.has(c)).sort((x, y) => x - y);
  for (const [field, lacks, has, other] of [
    [fields.test, missing(train, test), train, 'training'],
    [fields.train, missing(test, train), test, 'test'],
  ] as const)
    if (lacks.length > 0)
      throw new OrderlensInputError(
        field,
        `has no sample of class ${lacks.join(', ')} (the ${other} split has ${lacks.map((c) => has.get(c)).join(', ')}); the Jaccard similarity is per class, so both splits need samples of the same classes`,
      );
}
