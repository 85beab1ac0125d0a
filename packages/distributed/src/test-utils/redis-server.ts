import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of a test, on a loopback port, in its own folder. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGTERM: with appendonly, everything is flushed first) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (the append-only file is read back). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * Starts Debian's `redis-server` on a random port in 20000–40000, bound to 127.0.0.1 only, with
 * no snapshots; `appendonly` keeps every write in an append-only file so a restart loses
 * nothing. Retries another port when the one drawn is taken.
 */
export async function startTestRedis(options: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'orderlens-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (p: number): Promise<void> => {
    const args = ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
    args.push('--appendonly', options.appendonly ? 'yes' : 'no', '--protected-mode', 'yes');
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        if (/Ready to accept connections/.test(out)) resolve();
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', onData);
      c.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`)));
      c.once('error', reject);
    });
    c.stdout!.removeAllListeners('data');
    c.stdout!.resume();
    c.stderr!.resume();
    child = c;
  };
  for (let tries = 0; ; tries++) {
    port = 20000 + Math.floor(Math.random() * 20000);
    try {
      await launch(port);
      break;
    } catch (e) {
      if (tries >= 5) throw e;
    }
  }
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start: () => launch(port),
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
