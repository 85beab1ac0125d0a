/**
 * Tests that need something outside npm (a browser, a Redis server, strace, the built CLI) skip
 * loudly: each skip is recorded with what is missing and the one command that installs it, and the
 * test run's summary (tools/test/skip-reporter.ts) names the skipped tests and those commands.
 * `.ci/run` sets `ORDERLENS_REQUIRE_ALL_TESTS=1`, which turns any skip into a failed run.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';

/** What a test can need beyond npm, and how a user gets it. */
export const TEST_REQUIREMENTS = {
  chromium: {
    present: () => existsSync('/usr/bin/chromium') || onPath('chromium'),
    install: 'sudo apt-get update && sudo apt-get install -y chromium',
  },
  'redis-server': { present: () => onPath('redis-server'), install: 'sudo apt-get install -y redis-server' },
  strace: { present: () => onPath('strace'), install: 'sudo apt-get install -y strace' },
  'built CLI': {
    present: () => existsSync(new URL('../../../cli/dist/bin.js', import.meta.url)),
    install: 'npm run build',
  },
} as const;

/** A name of {@link TEST_REQUIREMENTS}. */
export type TestRequirement = keyof typeof TEST_REQUIREMENTS;

/** The environment variable naming the file where skips are recorded (set by the vitest config). */
export const SKIP_LOG_ENV = 'ORDERLENS_SKIP_LOG';

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `true` when `requirement` is missing, so the caller skips (`it.skipIf(lacks('chromium', '…'))`);
 * the skip is then recorded for the run's summary with `what` (the tests it affects).
 */
export function lacks(requirement: TestRequirement, what: string): boolean {
  // `ORDERLENS_TEST_PRETEND_MISSING=chromium,strace` rehearses a machine without them (this is how
  // the loud skips and CI's refusal of skips are tested).
  const pretend = (process.env.ORDERLENS_TEST_PRETEND_MISSING ?? '').split(',');
  if (!pretend.includes(requirement) && TEST_REQUIREMENTS[requirement].present()) return false;
  const log = process.env[SKIP_LOG_ENV];
  const line = `${requirement}\t${TEST_REQUIREMENTS[requirement].install}\t${what}\n`;
  if (log) appendFileSync(log, line);
  else
    process.stderr.write(
      `skipping ${what}: ${requirement} is missing (${TEST_REQUIREMENTS[requirement].install})\n`,
    );
  return true;
}
