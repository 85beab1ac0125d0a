import { z } from 'zod';

/*
 * Schemas for settings given either as command-line text (`"12"`, `"0,0.5,1"`) or as study-file
 * values (numbers, lists), with the CLI's messages (`expected an integer ≥ 1, got "0"`): the
 * value as given is shown, so a message reads the same whichever front end passed it.
 */

/** A decimal integer ≥ `min` (`"12"`, `12`; not `"1.5"`, `"1e3"`, `""`). */
export function integerText(min: number) {
  return z.unknown().transform((raw, ctx): number => {
    const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw).trim() : '';
    const v = Number(text);
    if (!/^[-+]?\d+$/.test(text) || (Number.isSafeInteger(v) && v < min)) {
      ctx.addIssue({ code: 'custom', message: `expected an integer ≥ ${min}, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    if (!Number.isSafeInteger(v)) {
      ctx.addIssue({ code: 'custom', message: `integer out of range, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return v;
  });
}

/** A finite number > 0 (`"0.05"`, `0.05`). */
export function positiveText() {
  return z.unknown().transform((raw, ctx): number => {
    const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw).trim() : '';
    const v = Number(text);
    if (text === '' || !Number.isFinite(v) || v <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected a positive number, got ${JSON.stringify(raw)}` });
      return z.NEVER;
    }
    return v;
  });
}

/** Numbers in [0, 1] from `"0,0.5,1"` (commas or spaces) or a list; an item's error names its index. */
export function unitListText() {
  return z.unknown().transform((raw, ctx): number[] => {
    const items: unknown[] =
      typeof raw === 'string'
        ? raw
            .split(/[\s,]+/)
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : Array.isArray(raw)
          ? raw
          : [];
    if (items.length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a comma-separated list, got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    }
    const out: number[] = [];
    let bad = false;
    items.forEach((item, k) => {
      const text = typeof item === 'number' || typeof item === 'string' ? String(item).trim() : '';
      const v = text === '' ? NaN : Number(text);
      const message = !Number.isFinite(v)
        ? `expected a finite number ≥ 0 and ≤ 1, got ${JSON.stringify(item)}`
        : v < 0 || v > 1
          ? `expected a number ≥ 0 and ≤ 1, got ${JSON.stringify(item)}`
          : undefined;
      if (message && !bad) ctx.addIssue({ code: 'custom', message, path: [k] });
      bad ||= message !== undefined;
      out.push(v);
    });
    return bad ? z.NEVER : out;
  });
}
