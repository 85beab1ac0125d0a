import { OrderlensInputError, requireInput, type Rng } from '@orderlens/core';
import { makeCloud, type PointCloud } from '../cloud/point-cloud.js';

/** A triangle mesh: vertices `x y z` and triangles as vertex-index triples. */
export interface TriangleMesh {
  readonly vertices: Float64Array;
  readonly triangles: Uint32Array;
  readonly source: string;
}

/**
 * Reads an OFF mesh (`OFF`, `COFF`, `NOFF`, `CNOFF` headers; `#` comments; polygons split into
 * triangle fans). three.js has no OFF loader, hence this parser. It reads line by line, as the
 * format is written: the first three numbers of a vertex line are `x y z` (normals and colours
 * after them are ignored), a face line is `k i1 … ik` (face colours after it are ignored).
 * ModelNet's files sometimes run the header and the counts together (`OFF490 518 0`), which is
 * accepted.
 */
export function readOffMesh(text: string, file: string): TriangleMesh {
  const lines: Array<{ no: number; cols: string[] }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line !== '') lines.push({ no: i + 1, cols: line.split(/\s+/) });
  });
  const magic = lines.length > 0 ? /^(C?N?OFF)(.*)$/.exec(lines[0].cols[0]) : null;
  requireInput(magic !== null, file, 'is not an OFF file: it does not start with "OFF"');
  // Counts on the header line itself (`OFF 8 6 0` or `OFF8 6 0`), or on the next line.
  const rest = [...(magic[2] !== '' ? [magic[2]] : []), ...lines[0].cols.slice(1)];
  let next = 1;
  const counts = rest.length >= 2 ? rest : (lines[next++]?.cols ?? []);
  const [nv, nf] = counts.slice(0, 2).map(Number);
  requireInput(
    Number.isInteger(nv) && Number.isInteger(nf) && nv > 0 && nf >= 0,
    file,
    `OFF counts line is "${counts.join(' ')}", expected "<vertices> <faces> <edges>" with at least one vertex`,
  );
  requireInput(
    lines.length - next >= nv + nf,
    file,
    `OFF file is truncated: it declares ${nv} vertices and ${nf} faces but has ${lines.length - next} data lines`,
  );
  const vertices = new Float64Array(nv * 3);
  for (let v = 0; v < nv; v++) {
    const { no, cols } = lines[next++];
    for (let c = 0; c < 3; c++) {
      const x = Number(cols[c]);
      if (!Number.isFinite(x))
        throw new OrderlensInputError(
          file,
          `line ${no} (vertex ${v}): ${'xyz'[c]} is "${cols[c] ?? ''}", expected a finite number`,
        );
      vertices[3 * v + c] = x;
    }
  }
  const tris: number[] = [];
  for (let f = 0; f < nf; f++) {
    const { no, cols } = lines[next++];
    const k = Number(cols[0]);
    requireInput(
      Number.isInteger(k) && k >= 3 && cols.length > k,
      file,
      `line ${no} (face ${f}) is not "k i1 … ik" with k ≥ 3`,
    );
    const idx = cols.slice(1, k + 1).map(Number);
    for (const i of idx)
      requireInput(
        Number.isInteger(i) && i >= 0 && i < nv,
        file,
        `line ${no} (face ${f}) refers to vertex ${i}, but the mesh has ${nv}`,
      );
    for (let j = 1; j + 1 < k; j++) tris.push(idx[0], idx[j], idx[j + 1]);
  }
  return { vertices, triangles: Uint32Array.from(tris), source: file };
}

/**
 * Samples `count` points uniformly over a mesh's surface: triangles chosen with probability
 * proportional to their area (binary search over the cumulative areas), a point uniform in the
 * triangle by the square-root rule. The stream `rng` fixes the result, so a seed gives the same
 * cloud on every machine.
 */
export function sampleSurface(mesh: TriangleMesh, count: number, rng: Rng): PointCloud {
  requireInput(
    Number.isInteger(count) && count > 0,
    '--points',
    `expected a positive number of points, got ${count}`,
  );
  const v = mesh.vertices;
  const t = mesh.triangles;
  const nt = t.length / 3;
  requireInput(nt > 0, mesh.source, 'OFF mesh has no faces to sample points from');
  const cum = new Float64Array(nt);
  let total = 0;
  for (let f = 0; f < nt; f++) {
    const a = 3 * t[3 * f],
      b = 3 * t[3 * f + 1],
      c = 3 * t[3 * f + 2];
    const ux = v[b] - v[a],
      uy = v[b + 1] - v[a + 1],
      uz = v[b + 2] - v[a + 2];
    const wx = v[c] - v[a],
      wy = v[c + 1] - v[a + 1],
      wz = v[c + 2] - v[a + 2];
    const cx = uy * wz - uz * wy,
      cy = uz * wx - ux * wz,
      cz = ux * wy - uy * wx;
    total += 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
    cum[f] = total;
  }
  requireInput(total > 0 && Number.isFinite(total), mesh.source, 'OFF mesh has zero surface area');
  const out = new Float32Array(count * 3);
  for (let s = 0; s < count; s++) {
    const target = rng.next() * total;
    let lo = 0,
      hi = nt - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    const a = 3 * t[3 * lo],
      b = 3 * t[3 * lo + 1],
      c = 3 * t[3 * lo + 2];
    const r1 = Math.sqrt(rng.next());
    const r2 = rng.next();
    const wa = 1 - r1,
      wb = r1 * (1 - r2),
      wc = r1 * r2;
    for (let d = 0; d < 3; d++) out[3 * s + d] = wa * v[a + d] + wb * v[b + d] + wc * v[c + d];
  }
  return makeCloud(out, mesh.source);
}
