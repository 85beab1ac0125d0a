import type { Command } from 'commander';

/**
 * Where a command writes. Commands never touch `process.stdout` directly, so the whole CLI
 * can run in-process (tests, embedding) with its output captured.
 */
export interface CliIo {
  /** Writes to standard output (results, tables). */
  stdout(text: string): void;
  /** Writes to standard error (progress, warnings, errors). */
  stderr(text: string): void;
  /** Whether stderr is an interactive terminal (enables in-place progress lines). */
  readonly isTTY: boolean;
  /** Aborted on SIGINT (or by the embedding caller); long commands stop after the current unit. */
  readonly signal: AbortSignal;
}

const IO = Symbol.for('orderlens.cli.io');

/** Attaches the IO to the root program. */
export function attachIo(program: Command, io: CliIo): void {
  (program as unknown as Record<symbol, CliIo>)[IO] = io;
}

/** The IO of the program a command belongs to (walks up to the root). */
export function ioOf(command: Command): CliIo {
  let c: Command | null = command;
  while (c) {
    const io = (c as unknown as Record<symbol, CliIo | undefined>)[IO];
    if (io) return io;
    c = c.parent;
  }
  throw new Error('orderlens: command is not attached to a program with IO');
}

/** Global flags every command sees (`--quiet`, `--debug`). */
export interface GlobalFlags {
  readonly quiet: boolean;
  readonly debug: boolean;
}

/** Reads the global flags from any command. */
export function globalFlags(command: Command): GlobalFlags {
  const o = command.optsWithGlobals() as { quiet?: boolean; debug?: boolean };
  return { quiet: o.quiet === true, debug: o.debug === true };
}
