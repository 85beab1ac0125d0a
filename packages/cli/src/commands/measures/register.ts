import type { Command } from 'commander';
import { registerMeasures } from './measures.js';

/** `orderlens noise-sensitivity | generalization | transfer <modality>`. */
export function register(program: Command): void {
  registerMeasures(program);
}
