import { describe, expect, it } from 'vitest';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import {
  EXIT_FAILURE,
  EXIT_INPUT,
  EXIT_INTERRUPTED,
  InterruptedError,
  optionForField,
  reportError,
  withOptionNames,
} from './errors.js';

function capture(error: unknown, debug = false): { code: number; err: string } {
  let err = '';
  const code = reportError(error, { stderr: (s) => void (err += s) }, debug);
  return { code, err };
}

describe('reportError', () => {
  it('prints input errors as "error: <field>: <message>" with exit code 2', () => {
    const r = capture(new OrderlensInputError('--contexts', 'expected a positive integer, got 0'));
    expect(r.code).toBe(EXIT_INPUT);
    expect(r.err).toBe('error: --contexts: expected a positive integer, got 0\n');
  });

  it('prints other errors with exit code 1 and stacks only with --debug', () => {
    const plain = capture(new Error('boom'));
    expect(plain).toEqual({ code: EXIT_FAILURE, err: 'error: boom\n' });
    const debug = capture(new Error('boom'), true);
    expect(debug.code).toBe(EXIT_FAILURE);
    expect(debug.err).toMatch(/^error: boom\nError: boom\n\s+at /);
    expect(capture('a string').err).toBe('error: a string\n');
  });

  it('maps interrupts to 130', () => {
    expect(capture(new InterruptedError('interrupted: 2/4 units saved')).code).toBe(EXIT_INTERRUPTED);
    expect(capture(new InterruptedError('interrupted: 2/4 units saved')).err).toBe(
      'interrupted: 2/4 units saved\n',
    );
    const ac = new AbortController();
    ac.abort();
    expect(capture(ac.signal.reason)).toEqual({
      code: EXIT_INTERRUPTED,
      err: 'interrupted: stopped before the result was complete; nothing was written\n',
    });
  });

  it("maps a library path to the running command's flag through one table", () => {
    const opts = ['--model', '--learning-rate', '--contexts', '--batch-size', '--csv'];
    expect(optionForField('modelPath', opts)).toBe('--model');
    expect(optionForField('learningRate', opts)).toBe('--learning-rate');
    expect(optionForField('learningRate', ['--lr'])).toBe('--lr');
    expect(optionForField('options.contexts', opts)).toBe('--contexts');
    expect(optionForField('batchSize', opts)).toBe('--batch-size');
    expect(optionForField('csv[3]', opts)).toBe('--csv');
    expect(optionForField('values[5]', opts)).toBeUndefined();
    expect(optionForField('--model', opts)).toBeUndefined();
    let err = '';
    reportError(
      new OrderlensInputError('options.contexts', 'expected a positive integer'),
      { stderr: (s) => void (err += s) },
      false,
      { options: opts },
    );
    expect(err).toBe('error: --contexts: expected a positive integer\n');
  });

  it('renames library fields to option names', () => {
    expect(() =>
      withOptionNames({ orders: '--orders' }, () => requireInput(false, 'orders[2]', 'bad')),
    ).toThrow(expect.objectContaining({ field: '--orders[2]', message: '--orders[2]: bad' }));
    expect(() => withOptionNames({ orders: '--orders' }, () => requireInput(false, 'n', 'bad'))).toThrow(
      expect.objectContaining({ field: 'n' }),
    );
  });
});
