#!/usr/bin/env node
/** The `orderlens` executable: parses argv, runs the command, and exits with its status code. */
import { runCli } from './program.js';

const { code } = await runCli(process.argv.slice(2), { stdio: 'process' });
process.exitCode = code;
