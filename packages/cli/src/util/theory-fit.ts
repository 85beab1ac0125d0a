/**
 * The parts of a polyline inside `lo ≤ y ≤ hi`, with the points where it crosses a bound added
 * (interpolated in `log y` on a log axis). A chart draws theory curves clipped this way rather
 * than leaving the clipping to the renderer: resvg drops a dashed line whose points lie far
 * outside the frame (F̂ at m = 0 is thousands of pixels above it), so the curve vanished.
 */
export function clipPolyline(
  xs: readonly number[],
  ys: readonly number[],
  lo: number,
  hi: number,
  logY = false,
): Array<Array<{ x: number; y: number }>> {
  const f = (y: number) => (logY ? Math.log(y) : y);
  const valid = (k: number) => Number.isFinite(xs[k]) && Number.isFinite(ys[k]) && (!logY || ys[k] > 0);
  const inside = (y: number) => y >= lo && y <= hi;
  const parts: Array<Array<{ x: number; y: number }>> = [];
  let current: Array<{ x: number; y: number }> = [];
  const close = () => {
    if (current.length > 1) parts.push(current);
    current = [];
  };
  /** Where the segment p → q crosses the level `b`. */
  const at = (p: number, q: number, b: number) => ({
    x: xs[p] + ((f(b) - f(ys[p])) / (f(ys[q]) - f(ys[p]))) * (xs[q] - xs[p]),
    y: b,
  });
  for (let q = 0; q < xs.length; q++) {
    if (!valid(q)) {
      close();
      continue;
    }
    const p = q - 1;
    const yq = ys[q];
    if (p < 0 || !valid(p)) {
      if (inside(yq)) current = [{ x: xs[q], y: yq }];
      continue;
    }
    const yp = ys[p];
    if (inside(yp) && inside(yq)) current.push({ x: xs[q], y: yq });
    else if (inside(yp)) {
      current.push(at(p, q, yq > hi ? hi : lo));
      close();
    } else if (inside(yq)) {
      current = [at(p, q, yp > hi ? hi : lo), { x: xs[q], y: yq }];
    } else if ((yp > hi && yq < lo) || (yp < lo && yq > hi)) {
      // Passes through the whole band between two orders.
      current = [at(p, q, yp > hi ? hi : lo), at(p, q, yp > hi ? lo : hi)];
      close();
    }
  }
  close();
  return parts;
}
