import { OrderlensInputError } from '../errors/errors.js';
import type { OptionDescriptor } from './modality-adapter.js';

/** The flag name of a descriptor without its argument, e.g. `--grid`. */
export function flagName(d: OptionDescriptor): string {
  return d.flag.split(/[ =]/)[0];
}

function parseNumber(d: OptionDescriptor, raw: unknown, field: string, integer: boolean): number {
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(v) || (integer && !Number.isInteger(v)))
    throw new OrderlensInputError(
      field,
      `expected ${integer ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`,
    );
  if (d.min !== undefined && v < d.min)
    throw new OrderlensInputError(field, `expected at least ${d.min}, got ${v}`);
  if (d.max !== undefined && v > d.max)
    throw new OrderlensInputError(field, `expected at most ${d.max}, got ${v}`);
  return v;
}

/**
 * Reads an adapter's options from raw values (CLI strings, study-file values) by its
 * descriptors: types and ranges checked, defaults filled, unknown keys refused. Errors name the
 * flag (`--grid`) or, with `fieldOf`, the study-file field.
 */
export function parseAdapterOptions(
  descriptors: readonly OptionDescriptor[],
  raw: Readonly<Record<string, unknown>>,
  fieldOf: (d: OptionDescriptor) => string = flagName,
): Record<string, unknown> {
  const known = new Set(descriptors.map((d) => d.key));
  for (const k of Object.keys(raw))
    if (!known.has(k) && raw[k] !== undefined)
      throw new OrderlensInputError(k, `unknown option; expected one of ${[...known].join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const d of descriptors) {
    const field = fieldOf(d);
    const value = raw[d.key] ?? d.default;
    if (value === undefined) continue;
    switch (d.type) {
      case 'string': {
        const s = String(value);
        if (d.choices && !d.choices.includes(s))
          throw new OrderlensInputError(field, `expected one of ${d.choices.join(', ')}, got "${s}"`);
        out[d.key] = s;
        break;
      }
      case 'integer':
      case 'number':
        out[d.key] = parseNumber(d, value, field, d.type === 'integer');
        break;
      case 'boolean':
        if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
          throw new OrderlensInputError(field, `expected true or false, got ${JSON.stringify(value)}`);
        out[d.key] = value === true || value === 'true';
        break;
      case 'list': {
        const items = Array.isArray(value) ? value : String(value).split(',');
        if (items.length === 0 || items.some((x) => String(x).trim() === ''))
          throw new OrderlensInputError(
            field,
            `expected a comma-separated list of numbers, got ${JSON.stringify(value)}`,
          );
        out[d.key] = items.map((x) => parseNumber(d, typeof x === 'string' ? x.trim() : x, field, false));
        break;
      }
      case 'strings':
        out[d.key] = (Array.isArray(value) ? value : [value]).map(String);
        break;
    }
  }
  return out;
}
