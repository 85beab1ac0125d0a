import type { Command } from 'commander';
import { registerReproduceBottleneck } from './bottleneck.js';

/** Registers the reproductions that span modalities: `reproduce bottleneck`. */
export function register(program: Command): void {
  registerReproduceBottleneck(program);
}
