import type { AnalysisSettingKey } from '@orderlens/core';
import { flagOfPath } from '../util/errors.js';

/**
 * The CLI flag of a shared analysis setting: core's plan names a setting by its key (a logical
 * path), the CLI by the flag the user typed — the setting's row in the one table
 * (`OPTION_PATH_FLAGS`), else the key in kebab case (`maxPlayers` → `--max-players`), as
 * commander names the attribute of a flag.
 */
export function analysisFlag(key: AnalysisSettingKey): string {
  // Study files only: the CLI sets estimator options through the single flags above.
  if (key === 'estimatorOptions') return '--estimator options';
  return flagOfPath(key);
}
