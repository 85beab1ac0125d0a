#!/usr/bin/env node
// Runs every benchmark script `tools/bench/*.bench.ts` (or those whose name contains an argument),
// one after another, each in its own process so that one's memory does not distort another's.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const s of scripts) {
  console.log(`\n=== ${s} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, s)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${s} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
