import { OrderlensInputError, requireInput } from '@orderlens/core';
import { PCDLoader } from 'three/examples/jsm/loaders/PCDLoader.js';
import { makeCloud, type PointCloud } from '../cloud/point-cloud.js';
import { quietly, readHeaderLines, toArrayBuffer } from './bytes.js';

/** The header fields of a PCD file that decide how many bytes its body must hold. */
interface PcdHeader {
  fields: string[];
  size: number[];
  count: number[];
  points: number;
  data: string;
  bodyOffset: number;
}

function parsePcdHeader(bytes: Uint8Array, file: string): PcdHeader {
  const head = readHeaderLines(bytes, (l) => /^DATA\s/i.test(l));
  requireInput(
    head !== undefined,
    file,
    'is not a PCD file: no "DATA ascii|binary|binary_compressed" header line',
  );
  const get = (key: string): string[] | undefined => {
    const line = head.lines.find((l) => l.trim().toUpperCase().startsWith(`${key} `));
    return line?.trim().split(/\s+/).slice(1);
  };
  const fields = get('FIELDS');
  requireInput(fields !== undefined, file, 'PCD header has no FIELDS line');
  for (const axis of ['x', 'y', 'z'])
    requireInput(fields.includes(axis), file, `PCD header FIELDS (${fields.join(' ')}) lacks ${axis}`);
  const size = (get('SIZE') ?? []).map(Number);
  const count = (get('COUNT') ?? fields.map(() => '1')).map(Number);
  const width = Number((get('WIDTH') ?? ['NaN'])[0]);
  const height = Number((get('HEIGHT') ?? ['1'])[0]);
  // POINTS is optional in v0.7; WIDTH·HEIGHT is what PCL writes it as.
  const points = Number((get('POINTS') ?? [String(width * height)])[0]);
  requireInput(
    Number.isInteger(points) && points >= 0,
    file,
    `PCD header gives no valid POINTS (or WIDTH·HEIGHT) count`,
  );
  const data = (get('DATA') ?? [''])[0].toLowerCase();
  requireInput(
    ['ascii', 'binary', 'binary_compressed'].includes(data),
    file,
    `PCD DATA is "${data}", expected ascii, binary or binary_compressed`,
  );
  return { fields, size, count, points, data, bodyOffset: head.bodyOffset };
}

/**
 * Reads a PCD file (ASCII, binary or binary_compressed) with three.js's `PCDLoader`, which works
 * in Node on an ArrayBuffer. Its own checks are not enough, so the header is read here first: a
 * truncated binary body would otherwise surface as a bare `RangeError` from a DataView, and an
 * ASCII body with missing lines would be accepted with fewer points than the header says.
 */
export function readPcd(bytes: Uint8Array, file: string): PointCloud {
  const header = parsePcdHeader(bytes, file);
  requireInput(header.points > 0, file, 'PCD file holds no points (POINTS 0)');
  if (header.data === 'binary') {
    const rowBytes = header.size.reduce((s, sz, i) => s + sz * (header.count[i] ?? 1), 0);
    requireInput(rowBytes > 0, file, 'PCD header has no SIZE line');
    const need = header.bodyOffset + header.points * rowBytes;
    requireInput(
      bytes.length >= need,
      file,
      `binary PCD is truncated: the header promises ${header.points} points of ${rowBytes} bytes (${need} bytes in all), the file has ${bytes.length}`,
    );
  }
  let positions: Float32Array;
  try {
    const pts = quietly(() => new PCDLoader().parse(toArrayBuffer(bytes)));
    positions = Float32Array.from(pts.geometry.getAttribute('position').array as ArrayLike<number>);
  } catch (e) {
    throw new OrderlensInputError(file, `could not be read as PCD: ${(e as Error).message}`);
  }
  requireInput(
    positions.length === header.points * 3,
    file,
    `PCD header promises ${header.points} points but the body holds ${positions.length / 3}${header.data === 'ascii' ? ' (lines missing?)' : ''}`,
  );
  return makeCloud(positions, file);
}
