import { existsSync } from 'node:fs';
import {
  checkBudget,
  describeCost,
  describeWork,
  planStudyModel,
  studyPaths,
  sumCosts,
  type AnalysisBudget,
  type DeviceName,
  type PlannedWork,
  type Study,
} from '@orderlens/core';

/**
 * Plans every model of the study not yet finished in `out` (see `planStudyModel`), prints one
 * line per model and the total, and refuses a total above `budget`, before anything is written.
 * Without `resume` the folder's finished work does not count (a new study starts from nothing).
 */
export async function planStudy(
  study: Study,
  out: string,
  options: { device?: DeviceName; batchSize?: number; threads?: number; keepDenormals?: boolean },
  budget: AnalysisBudget | undefined,
  print: (line: string) => void,
  resume = true,
): Promise<PlannedWork> {
  const parts: PlannedWork[] = [];
  const lines: string[] = [];
  let unplanned = 0;
  for (const m of study.models) {
    if (resume && existsSync(studyPaths(out).result(m.id))) {
      lines.push(`  ${m.id}: finished already, no model calls`);
      continue;
    }
    // Without --resume nothing in the folder is continued: each model is planned whole.
    let cost;
    try {
      cost = await planStudyModel(study, out, m.id, options, resume);
    } catch (e) {
      // A model that fails to open fails the same way when its turn comes: the run records it
      // and goes on with the others (a reproduction names it in its report), so the plan does too.
      if ((e as Error | undefined)?.name === 'AbortError') throw e;
      lines.push(`  ${m.id}: cannot be planned, and will fail when run: ${(e as Error).message}`);
      unplanned++;
      continue;
    }
    parts.push(cost);
    lines.push(`  ${m.id}: ${describeCost(cost).replace(/^plan: /, '')}`);
  }
  const total = sumCosts(
    parts,
    `${parts.length} of ${study.models.length} models to compute${unplanned ? `; ${unplanned} cannot be planned` : ''}`,
  );
  print(`${describeWork(total, `plan of study ${study.name}`)}\n${lines.join('\n')}\n`);
  if (budget) checkBudget(total, budget, '--budget', 'use fewer samples or models, or raise --budget');
  return total;
}
