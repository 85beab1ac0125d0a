import { defineConfig } from 'vitest/config';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSpeedFactor, scaledTimeout } from './packages/core/src/testing/machine-speed.js';
import { SKIP_LOG_ENV } from './packages/core/src/testing/requirements.js';
import SkipReporter from './tools/test/skip-reporter.js';

const pkgs = [
  'core',
  'runtime-onnx',
  'runtime-tfjs',
  'tabular',
  'vision',
  'nlp',
  'pointcloud',
  'distributed',
  'cli',
];
// Tests import workspace packages from source, so `npm test` needs no build first.
// The subpaths (`/math`, `/theory`, `/dynamics`, `/reproductions`, `/testing`) come first: an alias matches by prefix.
const alias = [
  {
    find: '@orderlens/core/math',
    replacement: fileURLToPath(new URL('./packages/core/src/public/math.ts', import.meta.url)),
  },
  {
    find: '@orderlens/core/theory',
    replacement: fileURLToPath(new URL('./packages/core/src/public/theory.ts', import.meta.url)),
  },
  {
    find: '@orderlens/core/dynamics',
    replacement: fileURLToPath(new URL('./packages/core/src/public/dynamics.ts', import.meta.url)),
  },
  {
    find: '@orderlens/core/reproductions',
    replacement: fileURLToPath(new URL('./packages/core/src/public/reproductions.ts', import.meta.url)),
  },
  {
    find: '@orderlens/core/testing',
    replacement: fileURLToPath(new URL('./packages/core/src/testing/index.ts', import.meta.url)),
  },
  {
    find: '@orderlens/runtime-onnx/testing',
    replacement: fileURLToPath(new URL('./packages/runtime-onnx/src/testing/index.ts', import.meta.url)),
  },
  ...pkgs.map((p) => ({
    find: `@orderlens/${p}`,
    replacement: fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
  })),
];

// One machine-speed factor for the whole run (measured here, passed to workers and child
// processes by the environment) scales every time bound: a busy machine gets longer timeouts.
const speed = machineSpeedFactor();
// Tests that skip for a missing tool record it here; the skip reporter names them at the end.
const skipLog = join(tmpdir(), `orderlens-test-skips-${process.pid}.log`);
process.env[SKIP_LOG_ENV] = skipLog;
if (speed > 1.5)
  console.log(
    `orderlens tests: machine-speed factor ${speed.toFixed(1)} (busy or slow machine): time bounds scaled`,
  );

export default defineConfig({
  resolve: { alias },
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }], new SkipReporter(skipLog)],
    projects: pkgs.map((p) => ({
      resolve: { alias },
      test: {
        name: p,
        root: `./packages/${p}`,
        include: ['src/**/*.test.ts'],
        testTimeout: scaledTimeout(120_000),
        hookTimeout: scaledTimeout(120_000),
      },
    })),
  },
});
