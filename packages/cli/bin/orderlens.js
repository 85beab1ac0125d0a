#!/usr/bin/env node
// Launcher for the `orderlens` command. It is committed (not built) so that npm links the
// command at install time, before `npm run build` has produced dist/ (npm skips bin links whose
// target does not exist yet).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('orderlens: the CLI is not built yet; run `npm run build` at the repository root\n');
  process.exit(1);
}
await import(entry.href);
