import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scaledTimeout } from '@orderlens/core/testing';

/**
 * The built CLI, whose `orderlens worker` command wires a worker of this package (CI builds
 * before it tests; `npx tsc -b packages/cli` locally). Spawned by path: the package depends
 * on no CLI code.
 */
export const CLI_BIN = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

/** An `orderlens worker` child process and what it printed. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves with the match once its stderr matches `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM (finishes the jobs under way) and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL now: the worker dies mid-job, holding its lock. */
  kill(): Promise<void>;
}

/** Starts `orderlens worker --redis <url> --root …` on the built CLI. */
export function startWorkerProcess(redis: string, roots: string[], extra: string[] = []): WorkerProcess {
  const args = [CLI_BIN, 'worker', '--redis', redis, ...roots.flatMap((r) => ['--root', r]), ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (b: Buffer) => {
    text += b.toString();
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    log: () => text,
    waitFor: (re, timeoutMs = scaledTimeout(60_000)) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(re);
          if (m) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(
            new Error(`worker did not print ${re} in ${timeoutMs} ms; it printed:\n${text.slice(-2000)}`),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
