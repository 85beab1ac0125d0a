import { OrderlensInputError, requireInput } from '@orderlens/core';
import { makeCloud, type PointCloud } from '../cloud/point-cloud.js';

/**
 * Reads a plain-text point list (`.xyz`, `.pts`, `.txt`): one point per line, the first three
 * whitespace- or comma-separated numbers being `x y z` (further columns — normals, colours — are
 * ignored); blank lines and `#` / `//` comments are skipped. Written here rather than with three's
 * `XYZLoader` because that one turns an unreadable line into NaN coordinates without saying
 * which line, and a bad line should be reported by number.
 */
export function readXyz(text: string, file: string): PointCloud {
  const out: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
    const cols = line.split(/[\s,;]+/);
    // ModelNet's .pts variant starts with a point-count line; one lone integer on the first data
    // line is taken as that count, not as a point.
    if (out.length === 0 && cols.length === 1 && /^\d+$/.test(cols[0])) continue;
    if (cols.length < 3)
      throw new OrderlensInputError(file, `line ${i + 1} has ${cols.length} values, expected x y z`);
    for (let c = 0; c < 3; c++) {
      const v = Number(cols[c]);
      // `Number('nan')` is NaN too, so NaN spelled any way is caught here with its line.
      if (!Number.isFinite(v))
        throw new OrderlensInputError(
          file,
          `line ${i + 1}: ${'xyz'[c]} is "${cols[c]}", expected a finite number`,
        );
      out.push(v);
    }
  }
  requireInput(out.length > 0, file, 'holds no points');
  return makeCloud(Float32Array.from(out), file);
}

/** Reads a ShapeNet-Part `.seg` file: one integer part label per line, aligned with the `.pts` points. */
export function readSeg(text: string, file: string): Int32Array {
  const labels: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const v = Number(line);
    requireInput(Number.isInteger(v), file, `line ${i + 1} is "${line}", expected an integer part label`);
    labels.push(v);
  }
  return Int32Array.from(labels);
}
