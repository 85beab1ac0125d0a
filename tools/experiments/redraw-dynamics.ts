/**
 * Redraws the figures of finished dynamics runs from their `dynamics.json` alone (no model is
 * opened): for documents drawn by an older orderlens, so their pictures match what the current
 * code draws (`distribution`, `paradigms`, `loss-gap`, `sigma2`, written beside the file).
 *
 * Run: `node --import tsx tools/experiments/redraw-dynamics.ts <dir with dynamics.json> [...]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDynamicsResult } from '@orderlens/core/dynamics';
import { writeDynamicsFigures } from '../../packages/cli/src/commands/dynamics/dynamics-plots.ts';

for (const dir of process.argv.slice(2)) {
  const file = join(dir, 'dynamics.json');
  const result = parseDynamicsResult(JSON.parse(readFileSync(file, 'utf8')), file);
  const figures = await writeDynamicsFigures(result, dir);
  console.log(`${dir}: ${Object.keys(figures).join(', ')}`);
}
