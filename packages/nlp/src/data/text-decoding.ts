import { OrderlensInputError } from '@orderlens/core';

/** Encodings a sentence file may be read in (`--encoding`). */
export const TEXT_ENCODINGS = ['utf8', 'latin1'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

/**
 * Byte offset of the first byte that breaks UTF-8 in `bytes`, or −1 when all of it is valid.
 *
 * Follows the Unicode definition of well-formed UTF-8 (Table 3-7): no overlong forms, no
 * surrogates (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequence. The offset is that
 * of the first byte of the broken character, the one a user must look at (the `0xE9` of a
 * Latin-1 "é" followed by an ASCII letter is reported at its own offset, not at the letter).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0; // overlong below U+0800
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90; // overlong below U+10000
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i; // a continuation byte without a lead, 0xC0/0xC1 or 0xF5–0xFF
    // The first continuation byte has the narrowed range; the others the plain one.
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return i; // truncated: the lead byte starts a sequence that never ends
      const c = bytes[i + k];
      const [min, max] = k === 1 ? [lo, hi] : [0x80, 0xbf];
      if (c < min || c > max) return i;
    }
    i += len;
  }
  return -1;
}

/**
 * Decodes the bytes of a sentence file: strictly as UTF-8 (the default), where the first invalid
 * byte is an input error naming its byte offset and line, instead of a `U+FFFD` that would become
 * a player of its own; or as Latin-1, for files written in it.
 *
 * @param name - The file's name, for messages.
 * @param field - The option that named the file (e.g. `--sentences`).
 */
export function decodeSentenceBytes(
  bytes: Uint8Array,
  encoding: TextEncoding,
  name: string,
  field: string,
): string {
  if (encoding === 'latin1') return Buffer.from(bytes).toString('latin1');
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let k = 0; k < bad; k++) if (bytes[k] === 0x0a) line++;
    const hex = bytes[bad].toString(16).toUpperCase().padStart(2, '0');
    throw new OrderlensInputError(
      field,
      `${name} is not valid UTF-8: byte 0x${hex} at byte offset ${bad} (line ${line}) is not part of a UTF-8 character; save the file as UTF-8, or give --encoding latin1 if it is written in Latin-1`,
    );
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Names of the C0 control characters, for messages. */
const C0_NAMES = [
  'NUL',
  'SOH',
  'STX',
  'ETX',
  'EOT',
  'ENQ',
  'ACK',
  'BEL',
  'BS',
  'TAB',
  'LF',
  'VT',
  'FF',
  'CR',
  'SO',
  'SI',
  'DLE',
  'DC1',
  'DC2',
  'DC3',
  'DC4',
  'NAK',
  'SYN',
  'ETB',
  'CAN',
  'EM',
  'SUB',
  'ESC',
  'FS',
  'GS',
  'RS',
  'US',
];

/**
 * Refuses a sentence holding a control character (Unicode category Cc: NUL, ESC, DEL, C1 codes,
 * a line break inside an inline sentence …), naming where it sits. Such characters are not
 * words: a tokenizer drops or maps them to `[UNK]`, and the pictures, which are XML, cannot hold
 * them, so an analysis would run to its end and then fail writing its SVG. A tab separates words
 * and is allowed.
 *
 * @param where - The input holding the sentence, named in the error (e.g. `--sentences (a.txt line 3)`).
 */
export function refuseControlCharacters(text: string, where: string): void {
  const m = /[^\P{Cc}\t]/u.exec(text);
  if (!m) return;
  const code = m[0].charCodeAt(0);
  const name = code < 0x20 ? ` (${C0_NAMES[code]})` : code === 0x7f ? ' (DEL)' : '';
  throw new OrderlensInputError(
    where,
    `the sentence holds the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}${name} at character ${m.index + 1}; sentences must be plain text`,
  );
}
