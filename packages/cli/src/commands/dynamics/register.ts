import type { Command } from 'commander';
import { registerDynamics } from './dynamics.js';
import { registerReproduceTwoPhase } from './reproduce-two-phase.js';

/** `orderlens dynamics` and `reproduce two-phase`: interactions over a model's training checkpoints. */
export function register(program: Command): void {
  registerDynamics(program);
  registerReproduceTwoPhase(program);
}
