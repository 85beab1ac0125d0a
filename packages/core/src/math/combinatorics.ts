const logFactCache: number[] = [0];

/** `log(k!)`, cached. */
export function logFactorial(k: number): number {
  for (let i = logFactCache.length; i <= k; i++) logFactCache[i] = logFactCache[i - 1] + Math.log(i);
  return logFactCache[k];
}

/**
 * Binomial coefficient `C(a, b)` as a double; 0 outside `0 ≤ b ≤ a`. Exact (integer arithmetic)
 * while the result stays below about 2^44, through logs beyond.
 */
export function binomial(a: number, b: number): number {
  if (b < 0 || a < 0 || b > a) return 0;
  b = Math.min(b, a - b);
  const log = logFactorial(a) - logFactorial(b) - logFactorial(a - b);
  // The multiplicative recurrence keeps every intermediate an integer (k·C(a−b+k, k)), so it is
  // exact while those stay below 2^53; beyond that only the log form is representable anyway.
  if (log < 44 * Math.LN2) {
    let r = 1;
    for (let k = 1; k <= b; k++) r = (r * (a - b + k)) / k;
    return Math.round(r);
  }
  return Math.exp(log);
}

/** `C(a, b) / C(c, d)` computed stably through logs (0 when the numerator vanishes). */
export function binomialRatio(a: number, b: number, c: number, d: number): number {
  if (b < 0 || b > a) return 0;
  if (d < 0 || d > c) throw new RangeError(`binomialRatio: C(${c}, ${d}) is zero`);
  if (a <= 60 && c <= 60) return binomial(a, b) / binomial(c, d);
  return Math.exp(
    logFactorial(a) -
      logFactorial(b) -
      logFactorial(a - b) -
      (logFactorial(c) - logFactorial(d) - logFactorial(c - d)),
  );
}

/** Number of set bits of an integer below 2^32. */
export function bitCount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
