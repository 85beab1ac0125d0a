import type { Command } from 'commander';

/**
 * The top-level command `name` (e.g. `analyze`), created if no other area made it yet, so that
 * `analyze tabular` and `analyze vision` share one group whatever the registration order.
 */
export function visionCommandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
