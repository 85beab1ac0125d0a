import type { Command } from 'commander';
import { registerAndOr } from './and-or.js';
import { registerExact } from './exact.js';
import { registerPlot } from './plot.js';
import { registerSample } from './sample.js';

/** Registers the game commands: `exact`, `sample`, `and-or`, `plot`. */
export function register(program: Command): void {
  registerExact(program);
  registerSample(program);
  registerAndOr(program);
  registerPlot(program);
}
