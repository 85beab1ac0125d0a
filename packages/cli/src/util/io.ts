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
  /**
   * Tells the SIGINT handler what the first Ctrl-C will do in the command now running, so the
   * line it prints at once is true for that command (an analysis drops the sample under way, a
   * training run finishes its epoch). Absent when nothing listens (in-process runs).
   */
  setInterruptPolicy?(policy: string): void;
}

/**
 * What the first Ctrl-C does, in the words {@link interruptPolicy} commands use. Each finishes
 * the sentence `interrupted: …; Ctrl-C again to abort at once`.
 */
export const INTERRUPT_POLICIES = {
  /** Analyses: each sample is a unit, and a sample half computed is worth nothing. */
  dropSample: 'dropping the sample under way; the finished samples stay saved for --resume',
  /** Training: the epoch under way is finished so that its checkpoint is a real epoch boundary. */
  finishEpoch: 'finishing the epoch under way, then saving its checkpoint for --resume',
  /** Short commands that keep nothing partial. */
  stopNothingSaved: 'stopping within the current model batch; nothing is saved (run it again)',
} as const;

/**
 * Declares what the first Ctrl-C does while `command` runs (one of {@link INTERRUPT_POLICIES} or
 * a sentence of the same form). Call it at the start of an action, before any work.
 */
export function interruptPolicy(command: Command, policy: string): void {
  ioOf(command).setInterruptPolicy?.(policy);
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
