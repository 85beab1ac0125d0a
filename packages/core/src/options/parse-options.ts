import type { z } from 'zod';
import { OrderlensInputError } from '../errors/errors.js';

/**
 * Validates `raw` against a zod schema; the first problem becomes an {@link OrderlensInputError}
 * whose field is `prefix` joined with the path of the offending key, so a user reads
 * `estimator.contexts: expected a positive integer` and not a zod dump.
 */
export function parseWithSchema<T>(schema: z.ZodType<T>, raw: unknown, prefix: string): T {
  const res = schema.safeParse(raw);
  if (res.success) return res.data;
  const issue = res.error.issues[0];
  const path = issue.path.map(String).join('.');
  let got: unknown = raw;
  for (const k of issue.path)
    got = got !== null && typeof got === 'object' ? (got as Record<PropertyKey, unknown>)[k] : undefined;
  const message = plainZodMessage(issue.message);
  const shown = ['number', 'string', 'boolean'].includes(typeof got) && !/, got /.test(message);
  throw new OrderlensInputError(
    path ? `${prefix}.${path}` : prefix,
    shown ? `${message}, got ${JSON.stringify(got)}` : message,
  );
}

/**
 * zod's range messages in the words the rest of orderlens uses: `Too big: expected number to be
 * <=26` → `expected at most 26` (`at least`, `less than`, `more than` likewise).
 */
export function plainZodMessage(message: string): string {
  const m = /^Too (big|small): expected \w+ to (?:be|have) ([<>]=?)(\S+)(.*)$/.exec(message);
  if (!m) return message;
  const words: Record<string, string> = {
    '<=': 'at most',
    '<': 'less than',
    '>=': 'at least',
    '>': 'more than',
  };
  return `expected ${words[m[2]]} ${m[3]}${m[4]}`;
}
