import type { Command } from 'commander';
import { registerDynamics } from './dynamics.js';

/** `orderlens dynamics`: interactions over a model's training checkpoints. */
export function register(program: Command): void {
  registerDynamics(program);
}
