import type { Command } from 'commander';
import { registerReproduceAndOrSparsity } from './and-or-sparsity.js';
import { registerReproduceBottleneck } from './bottleneck.js';

/** Registers the reproductions that span modalities: `reproduce bottleneck`, `reproduce and-or-sparsity`. */
export function register(program: Command): void {
  registerReproduceBottleneck(program);
  registerReproduceAndOrSparsity(program);
}
