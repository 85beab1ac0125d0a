import { requireInput } from '../errors/errors.js';

/**
 * Instability of a strength estimate over `q ≥ 2` repeats (MATH.md):
 * `E_x E_m [ E_{u≠v} |J_u(m|x) − J_v(m|x)| / E_w |J_w(m|x)| ]`, with `repeats[u][x][m]`.
 *
 * The inner mean runs over ordered pairs `u ≠ v` (the same as over unordered ones). A term whose
 * denominator is 0 (every repeat measured exactly 0) counts as 0: the repeats agree. The paper
 * treats < 0.05 (over contexts) and < 0.1 (over pairs) as stable.
 */
export function instability(repeats: readonly (readonly (readonly number[])[])[]): number {
  requireInput(
    Array.isArray(repeats) && repeats.length >= 2,
    'repeats',
    `expected at least 2 repeats, got ${repeats?.length}`,
  );
  const q = repeats.length;
  const X = repeats[0]?.length ?? 0;
  requireInput(X > 0, 'repeats[0]', 'expected at least one sample');
  const M = repeats[0][0]?.length ?? 0;
  requireInput(M > 0, 'repeats[0][0]', 'expected at least one order');
  repeats.forEach((rep, u) => {
    requireInput(
      Array.isArray(rep) && rep.length === X,
      `repeats[${u}]`,
      `expected ${X} samples like the first repeat`,
    );
    rep.forEach((row, x) => {
      requireInput(Array.isArray(row) && row.length === M, `repeats[${u}][${x}]`, `expected ${M} orders`);
      row.forEach((v, m) =>
        requireInput(Number.isFinite(v), `repeats[${u}][${x}][${m}]`, `expected a finite number, got ${v}`),
      );
    });
  });
  let total = 0;
  for (let x = 0; x < X; x++) {
    for (let m = 0; m < M; m++) {
      let diff = 0;
      let abs = 0;
      for (let u = 0; u < q; u++) {
        const a = repeats[u][x][m];
        abs += Math.abs(a);
        for (let v = u + 1; v < q; v++) diff += Math.abs(a - repeats[v][x][m]);
      }
      const meanDiff = diff / ((q * (q - 1)) / 2);
      const meanAbs = abs / q;
      total += meanAbs === 0 ? 0 : meanDiff / meanAbs;
    }
  }
  return total / (X * M);
}
