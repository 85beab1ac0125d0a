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
 * The one table from the logical path of a library option (what an `OrderlensInputError` names:
 * `modelPath`, `learningRate`, `options.contexts`) to the flags that set it, in order of
 * preference; the running command's first one wins. A path not listed names the option that
 * commander declares for the same attribute (`batchSize` is `--batch-size`'s attribute), so only
 * paths whose flag says something else need a row.
 */
export const OPTION_PATH_FLAGS: Readonly<Record<string, readonly string[]>> = {
  modelPath: ['--model'],
  preprocessor: ['--preprocessing'],
  preference: ['--tfjs-backend', '--device'],
  classNames: ['--images'],
  learningRate: ['--learning-rate', '--lr'],
  losses: ['--order-loss'],
  loss: ['--order-loss'],
  resumeFrom: ['--resume'],
  // Pair counts and player counts of the samplers (`numPairs: a 5×5 grid has only 168 …`).
  numPairs: ['--pairs', '--num-pairs'],
  n: ['--players'],
};

/**
 * The flag of a logical path when no command is at hand (hints in core's messages, the shared
 * analysis settings): its row in {@link OPTION_PATH_FLAGS}, else the path in kebab case
 * (`maxPlayers` → `--max-players`), as commander names a flag's attribute.
 */
export function flagOfPath(path: string): string {
  return OPTION_PATH_FLAGS[path]?.[0] ?? `--${path.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Groups whose keys are flags of their own: `options.contexts` is the option `contexts`. */
const OPTION_GROUPS = ['options.', 'estimatorOptions.', 'adapterOptions.'];

/** Commander's attribute name of a long flag (`--batch-size` → `batchSize`). */
function attributeOf(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase());
}

/**
 * The option of the running command that a library path stands for (`baseline` → `--baseline`,
 * `modelPath` → `--model`, `csv[3]` → `--csv`, `options.contexts` → `--contexts`), or undefined:
 * a path that is already an option, a key of an input file (`values[5]`, `terms[0].players`), or
 * one the command has no option for.
 */
export function optionForField(field: string, options: readonly string[]): string | undefined {
  if (field.startsWith('-')) return undefined;
  const group = OPTION_GROUPS.find((g) => field.startsWith(g));
  const path = group ? field.slice(group.length) : field;
  const base = path.replace(/[[.].*$/, '');
  const listed = (OPTION_PATH_FLAGS[base] ?? []).find((o) => options.includes(o));
  return listed ?? options.find((o) => attributeOf(o) === base);
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
  const group = OPTION_GROUPS.find((g) => e.field.startsWith(g)) ?? '';
  const base = group + e.field.slice(group.length).replace(/[[.].*$/, '');
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
