import type { Command } from 'commander';
import { registerExact } from './exact.js';
import { registerPlot } from './plot.js';
import { registerSample } from './sample.js';

/** Registers the game commands: `exact`, `sample`, `plot`. */
export function register(program: Command): void {
  registerExact(program);
  registerSample(program);
  registerPlot(program);
}
