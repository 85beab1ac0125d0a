import type { OptionBlock, OptionDescriptor } from '../options/option-block.js';
import { flagName, parseOptionBlock } from '../options/option-block.js';

export { flagName };

/**
 * Reads an adapter's options from raw values (CLI strings, study-file values) by its option
 * block: types and ranges checked, defaults filled, unknown keys refused. Errors name the
 * flag (`--grid`) or, with `fieldOf`, the study-file field.
 */
export function parseAdapterOptions(
  block: OptionBlock<Record<string, unknown>>,
  raw: Readonly<Record<string, unknown>>,
  fieldOf: (d: OptionDescriptor) => string = flagName,
): Record<string, unknown> {
  return parseOptionBlock(block, raw, fieldOf);
}
