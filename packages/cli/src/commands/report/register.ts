import type { Command } from 'commander';
import { registerReport } from './report.js';

/** Registers `orderlens report`. */
export function register(program: Command): void {
  registerReport(program);
}
