/** An ArrayBuffer holding exactly `bytes` (three's loaders take ArrayBuffers, Node gives Buffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * The ASCII header of a binary-or-text format: lines up to and including the one `isLast` accepts,
 * and the byte offset where the body starts. Reads at most `limit` bytes so a binary file without
 * the expected header is refused quickly instead of being decoded whole.
 */
export function readHeaderLines(
  bytes: Uint8Array,
  isLast: (line: string) => boolean,
  limit = 64 * 1024,
): { lines: string[]; bodyOffset: number } | undefined {
  const lines: string[] = [];
  let start = 0;
  const end = Math.min(bytes.length, limit);
  for (let i = 0; i < end; i++) {
    if (bytes[i] !== 0x0a) continue;
    const line = new TextDecoder('latin1').decode(bytes.subarray(start, i)).replace(/\r$/, '');
    lines.push(line);
    start = i + 1;
    if (isLast(line.trim())) return { lines, bodyOffset: start };
  }
  // A text file whose last header line has no newline (ASCII PCD with no points, say).
  if (end === bytes.length && start < end) {
    const line = new TextDecoder('latin1').decode(bytes.subarray(start, end)).trim();
    lines.push(line);
    if (isLast(line)) return { lines, bodyOffset: end };
  }
  return undefined;
}

/**
 * Runs a three.js loader with `console.error`/`console.warn` held back: three reports things such
 * as a NaN bounding sphere on the console, and the reader reports the same problem itself as an
 * input error naming the file, so the user should see one message, not two.
 */
export function quietly<T>(fn: () => T): T {
  const { error, warn } = console;
  console.error = () => undefined;
  console.warn = () => undefined;
  try {
    return fn();
  } finally {
    console.error = error;
    console.warn = warn;
  }
}
