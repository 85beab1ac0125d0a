import { BudgetExceededError, InterruptedError, OrderlensInputError } from '@orderlens/core';
import type { CliIo } from './io.js';

/** Exit status for bad input or usage. */
export const EXIT_INPUT = 2;
/** Exit status for other failures. */
export const EXIT_FAILURE = 1;
/** Exit status after an interrupt (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

export { InterruptedError };

/**
 * Prints an error the way the CLI reports it and returns the exit code:
 * `OrderlensInputError` → `error: <field>: <message>` and 2, an interrupt → 130, anything else →
 * `error: <message>` and 1. With `debug` the stack follows.
 */
export function reportError(error: unknown, io: Pick<CliIo, 'stderr'>, debug: boolean): number {
  const e = error instanceof Error ? error : new Error(String(error));
  let code: number = EXIT_FAILURE;
  if (e instanceof OrderlensInputError || e.name === 'OrderlensInputError') code = EXIT_INPUT;
  else if (e instanceof BudgetExceededError) code = EXIT_INPUT;
  else if (e instanceof InterruptedError || e.name === 'AbortError') code = EXIT_INTERRUPTED;
  if (e instanceof InterruptedError) io.stderr(`${e.message}\n`);
  else if (code === EXIT_INTERRUPTED)
    io.stderr('interrupted: stopped before the result was complete; nothing was written\n');
  // OrderlensInputError's message already reads "<field>: <message>".
  else io.stderr(`error: ${e.message}\n`);
  if (debug && e.stack) io.stderr(`${e.stack}\n`);
  return code;
}

/**
 * Runs `fn`, renaming the field of an OrderlensInputError it throws (`orders` → `--orders`), so
 * errors from library calls name the option the user typed.
 */
export function withOptionNames<T>(names: Record<string, string>, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof OrderlensInputError) {
      const base = e.field.replace(/\[.*$/, '');
      const renamed = names[base];
      if (renamed !== undefined)
        throw new OrderlensInputError(
          renamed + e.field.slice(base.length),
          e.message.slice(e.field.length + 2),
        );
    }
    throw e;
  }
}
