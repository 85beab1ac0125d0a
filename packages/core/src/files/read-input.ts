import { readFileSync } from 'node:fs';
import { OrderlensInputError } from '../errors/errors.js';

/**
 * The text of an input file a user named; a missing or unreadable file is refused naming
 * `field` (the option that named it), never thrown as a bare ENOENT.
 */
export function readInputText(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new OrderlensInputError(
      field,
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${(e as Error).message}`,
    );
  }
}
