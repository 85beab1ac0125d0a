import type { Command } from 'commander';
import { registerStudyRun } from './run.js';
import { registerStudyStatus } from './status.js';

/** `orderlens study run|status`: studies over many models and modalities (docs/studies.md). */
export function register(program: Command): void {
  const group = program
    .command('study')
    .description(
      'run a study file (models × modalities × seeds) into a resumable folder, or show where one stands',
    );
  registerStudyRun(group);
  registerStudyStatus(group);
}
