import type { Command } from 'commander';
import { registerStructure } from './structure.js';
import { registerTrainVision } from './train.js';

/** Registers the vision commands: `analyze vision`, `structure`, `train vision`. */
export function register(program: Command): void {
  registerStructure(program);
  registerTrainVision(program);
}
