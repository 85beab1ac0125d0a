/**
 * Errors raised for bad input. `field` names the offending option or value so that a CLI can
 * print a message a user can act on without reading a stack trace.
 */
export class OrderlensInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'OrderlensInputError';
    this.field = field;
  }
}

/** Raised when a run would exceed (or has exceeded) its model-call budget. */
export class BudgetExceededError extends Error {
  readonly budget: number;
  readonly requested: number;
  constructor(budget: number, requested: number) {
    super(`budget: this run needs at least ${requested} model calls but the budget allows ${budget}`);
    this.name = 'BudgetExceededError';
    this.budget = budget;
    this.requested = requested;
  }
}

/** Throws an {@link OrderlensInputError} unless `ok`. */
export function requireInput(ok: boolean, field: string, message: string): asserts ok {
  if (!ok) throw new OrderlensInputError(field, message);
}

/** Checks a positive integer option. */
export function requirePositiveInt(value: number, field: string): void {
  requireInput(Number.isInteger(value) && value > 0, field, `expected a positive integer, got ${value}`);
}

/**
 * Raised when a run was stopped (SIGINT / abort) after saving its finished units; the message
 * says what was saved and how to continue.
 */
export class InterruptedError extends Error {
  /** Brands the class (structurally it would equal Error). */
  readonly interrupted = true;
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}
