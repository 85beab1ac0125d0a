import { describe, expect, it } from 'vitest';
import { ProgressReporter, formatDuration } from './progress.js';

function fakeIo(isTTY: boolean) {
  const io = { text: '', isTTY, stderr: (s: string) => void (io.text += s) };
  return io;
}

describe('ProgressReporter', () => {
  it('prints periodic plain lines with rate and ETA when not a terminal', () => {
    const io = fakeIo(false);
    let t = 0;
    const p = new ProgressReporter(io, {
      label: 'sample',
      total: 100,
      unit: 'samples',
      lineIntervalMs: 1000,
      now: () => t,
    });
    t = 500;
    p.update(5); // too early for a line
    expect(io.text).toBe('');
    t = 2000;
    p.update(20); // 20 in 2 s = 10/s, 80 left → 8 s
    expect(io.text).toBe('sample 20/100 (20%) 10.0 samples/s, ETA 8s\n');
    t = 2500;
    p.tick(5);
    expect(io.text.split('\n')).toHaveLength(2); // still one line
    t = 10_000;
    p.update(100);
    p.finish();
    p.finish(); // idempotent
    const lines = io.text.trim().split('\n');
    expect(lines[lines.length - 1]).toBe('sample 100/100 (100%) 10.0 samples/s, 10s');
    expect(lines).toHaveLength(3);
  });

  it('redraws in place on a terminal and clears before log lines', () => {
    const io = fakeIo(true);
    let t = 0;
    const p = new ProgressReporter(io, { label: 'exact', ttyIntervalMs: 100, now: () => t });
    t = 1000;
    p.onProgress({ modelCalls: 64, done: 64, total: 256 });
    expect(io.text).toBe('\r\x1b[2Kexact 64/256 (25%) 64.0 it/s, 64 model calls, ETA 3s');
    t = 1050;
    p.onProgress({ modelCalls: 128, done: 128, total: 256 }); // throttled
    expect(io.text).not.toContain('128/256');
    p.log('hello');
    expect(io.text.endsWith('\r\x1b[2Khello\n')).toBe(true);
  });

  it('is silent with quiet', () => {
    const io = fakeIo(true);
    const p = new ProgressReporter(io, { label: 'x', quiet: true, total: 2 });
    p.tick();
    p.log('msg');
    p.finish();
    expect(io.text).toBe('');
    expect(p.snapshot().done).toBe(1);
  });

  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(7440)).toBe('2h04m');
    expect(formatDuration(Infinity)).toBe('?');
  });
});
