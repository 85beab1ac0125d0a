import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { isWithin, realPathOfNearest } from '../files/resolve-inside.js';

/**
 * File-access traces of a child process (`strace -f`), for confinement tests: they assert which
 * files a command opened, not only what it printed. Linux only; without a working `strace`
 * ({@link straceAvailable}) the caller skips its trace assertions and says so
 * ({@link warnTraceSkipped}).
 */

/** One file system call of a trace. */
export interface TracedCall {
  readonly call: string;
  /** The path as the process passed it, made absolute (relative paths against the call's dirfd or cwd). */
  readonly path: string;
  /** What it returned: a descriptor or 0, or `-1 ENOENT (…)`. */
  readonly result: string;
}

/** A traced run of a command. */
export interface TracedRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** `open`/`openat` calls, failed ones included (an attempt to open is an access). */
  readonly opens: readonly TracedCall[];
  /** `stat`-family calls (`stat`, `lstat`, `newfstatat`, `statx`): probes, not reads. */
  readonly stats: readonly TracedCall[];
}

let available: boolean | undefined;

/** Whether `strace` is installed and may trace here (containers may forbid ptrace). */
export function straceAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
    available = r.status === 0;
  }
  return available;
}

/**
 * Says loudly that trace assertions were skipped (no `strace`), naming the tests; throws
 * instead when `ORDERLENS_REQUIRE_STRACE=1` (CI, which installs strace and must run them).
 */
export function warnTraceSkipped(tests: readonly string[]): void {
  const what = `file-access trace assertions SKIPPED (no working strace; apt-get install strace) in: ${tests.join('; ')}`;
  if (process.env.ORDERLENS_REQUIRE_STRACE === '1') throw new Error(`ORDERLENS_REQUIRE_STRACE=1 but ${what}`);
  console.warn(`\n*** ${what} ***\n`);
}

/** Decodes a C string as strace prints it (`\"`, `\\`, `\n`, octal and hex escapes). */
function unescape(s: string): string {
  const bytes: number[] = [];
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const n = s[++k];
    if (n === 'x') {
      bytes.push(parseInt(s.slice(k + 1, k + 3), 16));
      k += 2;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(k))![0];
      bytes.push(parseInt(m, 8));
      k += m.length - 1;
    } else bytes.push(({ n: 10, t: 9, r: 13, v: 11, f: 12 } as Record<string, number>)[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

const CALL =
  /^\d+\s+(openat|open|stat|lstat|newfstatat|statx)\((?:(AT_FDCWD|-?\d+)(?:<([^>]*)>)?, )?"((?:[^"\\]|\\.)*)"[^=]*(?:= (.*))?$/;

/** Parses an `strace -f -y -s 4096` log (see {@link traceCommand}). */
export function parseTrace(text: string, cwd: string): { opens: TracedCall[]; stats: TracedCall[] } {
  const opens: TracedCall[] = [];
  const stats: TracedCall[] = [];
  for (const line of text.split('\n')) {
    const m = CALL.exec(line);
    if (!m) continue;
    const [, call, , dirPath, raw, result] = m;
    const p = unescape(raw);
    const path = isAbsolute(p) ? p : resolve(dirPath ?? cwd, p);
    (call === 'open' || call === 'openat' ? opens : stats).push({ call, path, result: result ?? '?' });
  }
  return { opens, stats };
}

/**
 * Runs `command args` under `strace -f` (children followed) and returns what it printed and the
 * file calls it made. The trace log is written to a temporary folder and removed. A command
 * that does not end by itself (a worker) is stopped with SIGTERM, with strace, once its stderr
 * matches `until`.
 */
export async function traceCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv; until?: RegExp } = {},
): Promise<TracedRun> {
  const cwd = options.cwd ?? process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'orderlens-trace-'));
  const log = join(dir, 'trace.txt');
  const traced = straceAvailable();
  const argv = traced
    ? [
        '-f',
        '-qq',
        '-y',
        '-s',
        '4096',
        '-e',
        'trace=open,openat,stat,lstat,newfstatat,statx',
        '-o',
        log,
        command,
        ...args,
      ]
    : [...args];
  try {
    const child = spawn(traced ? 'strace' : command, argv, {
      cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that strace and the traced command are stopped together.
      detached: true,
    });
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Gone already.
      }
    };
    let stdout = '';
    let stderr = '';
    let stopping = false;
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (options.until && !stopping && options.until.test(stderr)) {
        stopping = true;
        group('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((done, fail) => {
      const timer = setTimeout(() => group('SIGKILL'), options.timeoutMs ?? 120_000);
      child.once('error', fail);
      child.once('exit', (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    const { opens, stats } = traced ? parseTrace(readFileSync(log, 'utf8'), cwd) : { opens: [], stats: [] };
    return { code, stdout, stderr, opens, stats };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The calls of `calls` that reached into `dir`: by the path as passed, and by its real path
 * (a symlink inside an allowed folder that points into `dir` counts). Call while the traced
 * folders still exist.
 */
export function callsInto(calls: readonly TracedCall[], dir: string): TracedCall[] {
  const real = realPathOfNearest(dir);
  return calls.filter((c) => {
    if (isWithin(dir, c.path) || isWithin(real, c.path)) return true;
    return isWithin(real, realPathOfNearest(c.path));
  });
}
