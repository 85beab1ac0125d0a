import type { Command } from 'commander';
import { registerAnalyze } from './analyze.js';

/** `orderlens analyze <modality>` for every installed adapter. */
export function register(program: Command): void {
  registerAnalyze(program);
}
