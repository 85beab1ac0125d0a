/**
 * One machine-speed factor for every time bound in the tests.
 *
 * Tests wait for events (a unit file, a line on stderr, a process exit), not for wall-clock
 * guesses; where a bound is still needed (a test's timeout, "this must stop within …"), it is a
 * generous base multiplied by this factor, so the suite passes on a busy or slower machine as it
 * does on a quiet one. The factor is measured once per test run: a fixed float64 workload timed
 * against its time on the quiet 2-core machine the bases were set on, never below 1. It is passed
 * to test workers and child processes through `ORDERLENS_SPEED_FACTOR`, which a user can also set
 * by hand (e.g. `ORDERLENS_SPEED_FACTOR=4 npm test` on a very slow machine).
 */

/** Milliseconds {@link speedWorkload} takes on the quiet reference machine (2-core AMD EPYC, Node 20). */
export const REFERENCE_WORKLOAD_MS = 12;

/** Upper limit of the factor: past it a run is too slow to be worth waiting for. */
const MAX_FACTOR = 20;

/** The environment variable that carries the factor to workers and child processes. */
export const SPEED_FACTOR_ENV = 'ORDERLENS_SPEED_FACTOR';

/** A fixed, allocation-free float64 workload (a 160×160 matrix product, twice). */
function speedWorkload(): number {
  const n = 160;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    a[k] = (k % 17) / 17;
    b[k] = (k % 13) / 13;
  }
  let sum = 0;
  for (let rep = 0; rep < 2; rep++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
        sum += s;
      }
  return sum;
}

/**
 * Measures the factor: the median of 5 timed runs of the workload (after one warm-up) over
 * {@link REFERENCE_WORKLOAD_MS}, clamped to [1, 20]. Takes about 0.1 s on the reference machine.
 */
export function measureSpeedFactor(): number {
  speedWorkload();
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    speedWorkload();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return Math.min(MAX_FACTOR, Math.max(1, times[2] / REFERENCE_WORKLOAD_MS));
}

/**
 * The factor of this test run: `ORDERLENS_SPEED_FACTOR` when set (by the vitest config, by a
 * parent process or by the user), else measured now and stored there for child processes.
 */
export function machineSpeedFactor(): number {
  const given = Number(process.env[SPEED_FACTOR_ENV]);
  if (Number.isFinite(given) && given >= 1) return given;
  const measured = measureSpeedFactor();
  process.env[SPEED_FACTOR_ENV] = measured.toFixed(2);
  return measured;
}

/** A time bound in milliseconds: `baseMs`, set on a quiet machine, times the machine-speed factor. */
export function scaledTimeout(baseMs: number): number {
  return Math.round(baseMs * machineSpeedFactor());
}
