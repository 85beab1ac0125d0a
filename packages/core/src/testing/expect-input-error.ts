import { expect } from 'vitest';
import { OrderlensInputError } from '../errors/errors.js';

/** Asserts that `f` throws an {@link OrderlensInputError} naming `field`, with a message matching `message`. */
export function expectInputError(f: () => unknown, field: string, message: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OrderlensInputError);
  expect((err as OrderlensInputError).field).toBe(field);
  expect((err as Error).message).toMatch(message);
}

/** {@link expectInputError} for an asynchronous `f`: awaits it and asserts the same of its rejection. */
export async function expectInputErrorAsync(
  f: () => Promise<unknown>,
  field: string,
  message: RegExp,
): Promise<void> {
  let err: unknown;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OrderlensInputError);
  expect((err as OrderlensInputError).field).toBe(field);
  expect((err as Error).message).toMatch(message);
}
