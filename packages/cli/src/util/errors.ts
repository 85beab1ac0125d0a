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
 * Library field names whose option is not simply the field in kebab case (`batchSize` →
 * `--batch-size` needs no entry). The first of the candidates the running command has wins.
 */
const FIELD_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  modelPath: ['--model'],
  preprocessor: ['--preprocessing'],
  preference: ['--tfjs-backend', '--device'],
  classNames: ['--images'],
  learningRate: ['--lr', '--learning-rate'],
  // Pair counts and player counts of the samplers (`numPairs: a 5×5 grid has only 168 …`).
  numPairs: ['--pairs', '--num-pairs'],
  n: ['--players'],
};

/**
 * The option of the running command that a library field stands for (`baseline` → `--baseline`,
 * `modelPath` → `--model`, `csv[3]` → `--csv`), or undefined: a field that is already an option,
 * a key of an input file (`values[5]`, `terms[0].players`), or one the command has no option for.
 */
export function optionForField(field: string, options: readonly string[]): string | undefined {
  if (field.startsWith('-')) return undefined;
  const base = field.replace(/[[.].*$/, '');
  const kebab = `--${base.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
  return [...(FIELD_OPTIONS[base] ?? []), kebab].find((o) => options.includes(o));
}

/** What {@link reportError} knows about the command that failed. */
export interface ErrorContext {
  /** Long option names of the command whose action threw (`--csv`, `--model`, …). */
  readonly options?: readonly string[];
}

/**
 * An input error renamed to the option the user typed, when its field is a library name for one
 * of the command's options (the library reads `csv`, the user typed `--csv`).
 */
function withOptionField(e: OrderlensInputError, options: readonly string[]): OrderlensInputError {
  const option = optionForField(e.field, options);
  if (option === undefined) return e;
  const base = e.field.replace(/[[.].*$/, '');
  const renamed = new OrderlensInputError(
    option + e.field.slice(base.length),
    e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message,
  );
  renamed.stack = e.stack;
  return renamed;
}

/**
 * Prints an error the way the CLI reports it and returns the exit code:
 * `OrderlensInputError` → `error: <field>: <message>` and 2, an interrupt → 130, anything else →
 * `error: <message>` and 1. With `debug` the stack follows. With `context`, an input error whose
 * field is a library name for one of the command's options is reported under that option.
 */
export function reportError(
  error: unknown,
  io: Pick<CliIo, 'stderr'>,
  debug: boolean,
  context: ErrorContext = {},
): number {
  let e = error instanceof Error ? error : new Error(String(error));
  if (e instanceof OrderlensInputError && context.options) e = withOptionField(e, context.options);
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
