import { Command } from 'commander';

/**
 * The top-level command `name` (e.g. `train`, `analyze`), created if no other area made it yet.
 * Areas add their subcommands (`train tabular`, `train vision`) to the same group.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}
