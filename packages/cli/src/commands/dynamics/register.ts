import type { Command } from 'commander';
import { registerDynamics } from './dynamics.js';
import { registerMislabeled } from './mislabeled.js';
import { registerReproduceTwoPhase } from './reproduce-two-phase.js';

/**
 * `orderlens dynamics`, `reproduce two-phase` and `mislabeled`: interactions over a model's
 * training checkpoints.
 */
export function register(program: Command): void {
  registerDynamics(program);
  registerReproduceTwoPhase(program);
  registerMislabeled(program);
}
