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
  throw new OrderlensInputError(path ? `${prefix}.${path}` : prefix, issue.message);
}
