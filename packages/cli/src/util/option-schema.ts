import { z } from 'zod';
import type { Command } from 'commander';
import { OrderlensInputError, parseSettingsBlock, type SettingsBlock } from '@orderlens/core';
import { flagOfPath } from './errors.js';
import { parseFloatOption, parseInteger, parseChoice, type NumberBounds } from './options.js';

/*
 * The CLI's own option blocks (training, checkpoint runs, network studies) as zod schemas, in
 * the pattern of the run options: each field reads the flag's text itself, with the CLI's
 * messages; the flag is the field's key in kebab case (or its row in `OPTION_PATH_FLAGS`), its
 * help the field's description, its default the field's `.prefault()` text.
 */

/** Stands for the flag while a parser runs inside a schema: the block names the field later. */
const FIELD = '\u0000';

/**
 * A field that reads its raw text with one of the CLI's parsers (`parseInteger`, `parseSeed`, …):
 * the parser's message becomes the field's issue, an index it names (`--x[2]`) the issue's
 * path, so the block's error names the flag exactly as the parser would have.
 */
export function parsedText<T>(parse: (text: string, field: string) => T) {
  return z.unknown().transform((raw, ctx): T => {
    try {
      return parse(String(raw), FIELD);
    } catch (e) {
      if (!(e instanceof OrderlensInputError) || !e.field.startsWith(FIELD)) throw e;
      const index = /^\[(\d+)\]/.exec(e.field.slice(FIELD.length))?.[1];
      ctx.addIssue({
        code: 'custom',
        message: e.message.slice(e.field.length + 2),
        ...(index !== undefined ? { path: [Number(index)] } : {}),
      });
      return z.NEVER;
    }
  });
}

/** A decimal integer flag within `bounds` (messages of `parseInteger`). */
export const integerFlag = (bounds: NumberBounds = {}) =>
  parsedText((text, field) => parseInteger(text, field, bounds));

/** A finite number flag within `bounds` (messages of `parseFloatOption`). */
export const numberFlag = (bounds: NumberBounds = {}) =>
  parsedText((text, field) => parseFloatOption(text, field, bounds));

/** One of `choices` (messages of `parseChoice`). */
export const choiceFlag = <T extends string>(choices: readonly T[]) =>
  parsedText((text, field) => parseChoice(text, field, choices));

/** The `--flag <arg>` of a block field, named by the CLI's flag table. */
export function blockFlag(d: { key: string; argument?: string }): string {
  return `${flagOfPath(d.key)}${d.argument ? ` ${d.argument}` : ''}`;
}

/** Which fields of a block a command registers, and what it adds to their help. */
export interface BlockOptionsChoice {
  /** These fields only, in the block's order; all by default. */
  readonly keys?: readonly string[];
  /** Words after a field's description, e.g. `reward` → ` (of the label trained on)`. */
  readonly helpSuffix?: Readonly<Record<string, string>>;
}

/**
 * Registers a block's fields as options of `cmd`: flag from the key, help the description,
 * commander's default the field's default text (read by the schema like typed text).
 */
export function addBlockOptions(
  cmd: Command,
  block: SettingsBlock<unknown>,
  choice: BlockOptionsChoice = {},
) {
  for (const d of block.descriptors) {
    if (choice.keys && !choice.keys.includes(d.key)) continue;
    const help = d.description + (choice.helpSuffix?.[d.key] ?? '');
    if (d.default === undefined) cmd.option(blockFlag(d), help);
    else cmd.option(blockFlag(d), help, String(d.default));
  }
  return cmd;
}

/**
 * Reads a block from commander's flags (other flags are ignored); the first error names the
 * flag the user typed.
 */
export function parseBlockFlags<T>(block: SettingsBlock<T>, flags: object): T {
  return parseSettingsBlock(block, flags, flagOfPath);
}
