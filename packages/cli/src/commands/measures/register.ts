import type { Command } from 'commander';
import { registerMeasures } from './measures.js';
import { registerMislabeled } from './mislabeled.js';

/** `orderlens noise-sensitivity | generalization | transfer <modality>`, `orderlens mislabeled`. */
export function register(program: Command): void {
  registerMeasures(program);
  registerMislabeled(program);
}
