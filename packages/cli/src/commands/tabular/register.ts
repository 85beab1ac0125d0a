import type { Command } from 'commander';
import { registerAttack } from './attack.js';
import { registerQuickstart } from './quickstart.js';
import { registerReproduce } from './reproduce.js';
import { registerTrain } from './train.js';

/**
 * Registers the tabular commands: `train tabular`, `analyze tabular`, `attack`, `quickstart`,
 * `reproduce census`. `train`, `analyze` and `reproduce` are groups other areas may share.
 */
export function register(program: Command): void {
  registerTrain(program);
  registerAttack(program);
  registerQuickstart(program);
  registerReproduce(program);
}
