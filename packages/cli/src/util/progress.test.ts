import { describe, expect, it } from 'vitest';
import { ProgressReporter, analysisProgress, deviceNoticesOnce, formatDuration } from './progress.js';

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

describe('analysisProgress', () => {
  // Issue 24: an image sample takes minutes, and the line only moved when a sample finished, so
  // a log stayed silent for the whole first sample. The estimator's progress now moves it.
  it('prints a line every interval inside the first sample, with calls/s and the run ETA', () => {
    const io = fakeIo(false);
    let t = 0;
    const p = new ProgressReporter(io, { label: 'analyze vision (lite)', unit: 'samples', now: () => t });
    const warnings: string[] = [];
    const on = analysisProgress(p, (m) => warnings.push(m));
    t = 5_000; // selection done
    on({ type: 'selected', samples: 2, resumed: 0 });
    expect(io.text).toBe('');
    t = 15_000; // 10 s into the first sample, a quarter of it done
    on({ type: 'progress', sample: 0, samples: 2, done: 25, total: 100, modelCalls: 40_000 });
    expect(io.text).toBe(
      'analyze vision (lite) 0.25/2 (13%), sample 1 at 25%, 40000 model calls, 4000 calls/s, ETA 1m10s\n',
    );
    t = 20_000; // too early for the next line
    on({ type: 'progress', sample: 0, samples: 2, done: 50, total: 100, modelCalls: 80_000 });
    expect(io.text.split('\n')).toHaveLength(2);
    t = 45_000;
    on({ type: 'sample', sample: 0, samples: 2, id: 'x', modelCalls: 160_000 });
    on({ type: 'warning', message: 'w' });
    expect(io.text.split('\n')[1]).toBe(
      'analyze vision (lite) 1/2 (50%), sample 1 done, 160000 model calls, 4000 calls/s, ETA 40s',
    );
    expect(warnings).toEqual(['w']);
  });

  it('leaves resumed samples out of the rate', () => {
    const io = fakeIo(false);
    let t = 0;
    const p = new ProgressReporter(io, { label: 'a', unit: 'samples', now: () => t });
    const on = analysisProgress(p, () => undefined);
    on({ type: 'selected', samples: 4, resumed: 2 });
    expect(io.text).toBe('resuming: 2 of 4 samples already done\n');
    t = 10_000;
    on({ type: 'progress', sample: 2, samples: 4, done: 1, total: 2, modelCalls: 100 });
    // Half a sample in 10 s: the 1.5 samples left take 30 s.
    expect(io.text).toContain('a 2.50/4 (63%), sample 3 at 50%, 100 model calls, 10.0 calls/s, ETA 30s\n');
  });
});

describe('deviceNoticesOnce', () => {
  it('says a provider fallback once per run, other lines every time', () => {
    const lines: string[] = [];
    const once = deviceNoticesOnce();
    const cuda = 'onnx: execution provider "cuda" is unavailable (no libraries); falling back to "cpu"';
    for (let k = 0; k < 6; k++) {
      once(cuda, (m) => lines.push(m));
      once('model opened', (m) => lines.push(m));
    }
    expect(lines.filter((l) => l.includes('cuda'))).toEqual([`device: ${cuda}`]);
    expect(lines.filter((l) => l === 'model opened')).toHaveLength(6);
  });
});
