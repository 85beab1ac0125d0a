import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * Runs the built CLI (`bin`) with `args` and kills it with SIGKILL as soon as `file` is on disk:
 * no handler runs and nothing is flushed, the harshest stop a resume must survive. Resolves once
 * the process is gone; fails the test (with its stderr) if it ended any other way.
 */
export async function killWhenWritten(bin: string, args: readonly string[], file: string): Promise<void> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const poll = setInterval(() => {
    if (existsSync(file)) {
      clearInterval(poll);
      child.kill('SIGKILL');
    }
  }, 2);
  const exit = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_c, sig) => r(sig)));
  clearInterval(poll);
  expect(exit, stderr).toBe('SIGKILL');
}
