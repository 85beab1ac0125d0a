import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const pkgs = ['core', 'runtime-onnx', 'runtime-tfjs', 'tabular', 'vision', 'nlp', 'pointcloud', 'distributed', 'cli'];
// Tests import workspace packages from source, so `npm test` needs no build first.
// `@orderlens/core/testing` comes first: an alias matches by prefix.
const alias = [
  { find: '@orderlens/core/testing', replacement: fileURLToPath(new URL('./packages/core/src/testing/index.ts', import.meta.url)) },
  ...pkgs.map((p) => ({
    find: `@orderlens/${p}`,
    replacement: fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
  })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: pkgs.map((p) => ({
      resolve: { alias },
      test: {
        name: p,
        root: `./packages/${p}`,
        include: ['src/**/*.test.ts'],
        testTimeout: 120_000,
        hookTimeout: 120_000,
      },
    })),
  },
});
