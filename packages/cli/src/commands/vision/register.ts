import type { Command } from 'commander';
import { registerAnalyzeVision } from './analyze.js';
import { registerStructure } from './structure.js';
import { registerTrainVision } from './train.js';

/** Registers the vision commands: `analyze vision`, `structure`, `train vision`. */
export function register(program: Command): void {
  registerAnalyzeVision(program);
  registerStructure(program);
  registerTrainVision(program);
}
