import { OrderlensInputError, requireInput } from '@orderlens/core';
import { PLYLoader } from 'three/examples/jsm/loaders/PLYLoader.js';
import { makeCloud, type PointCloud } from '../cloud/point-cloud.js';
import { quietly, readHeaderLines, toArrayBuffer } from './bytes.js';

/**
 * Reads the vertices of a PLY file (ASCII or binary, either endianness) with three.js's
 * `PLYLoader`. Faces, if any, are ignored: the vertices are the points. The header's vertex count
 * is checked against what the loader returns, because the loader accepts a truncated body
 * silently (fewer points) or fails with a bare `RangeError`.
 */
export function readPly(bytes: Uint8Array, file: string): PointCloud {
  const head = readHeaderLines(bytes, (l) => l === 'end_header');
  requireInput(
    head !== undefined && head.lines[0]?.trim() === 'ply',
    file,
    'is not a PLY file: no "ply … end_header" header',
  );
  const vertexLine = head.lines.find((l) => /^element\s+vertex\s+/.test(l.trim()));
  requireInput(vertexLine !== undefined, file, 'PLY header declares no "element vertex"');
  const expected = Number(vertexLine.trim().split(/\s+/)[2]);
  requireInput(Number.isInteger(expected) && expected > 0, file, `PLY header declares ${expected} vertices`);
  let positions: Float32Array;
  try {
    const geometry = quietly(() => new PLYLoader().parse(toArrayBuffer(bytes)));
    const attr = geometry.getAttribute('position');
    requireInput(attr !== undefined, file, 'PLY vertices have no x y z properties');
    positions = Float32Array.from(attr.array as ArrayLike<number>);
  } catch (e) {
    if (e instanceof OrderlensInputError) throw e;
    throw new OrderlensInputError(file, `PLY file is truncated or malformed: ${(e as Error).message}`);
  }
  requireInput(
    positions.length === expected * 3,
    file,
    `PLY header declares ${expected} vertices but the body holds ${positions.length / 3} (truncated?)`,
  );
  return makeCloud(positions, file);
}
