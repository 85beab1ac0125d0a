import type { AnalysisEvent, EvaluationProgress } from '@orderlens/core';
import type { Command } from 'commander';
import { globalFlags, ioOf, type CliIo } from './io.js';

/** Options of {@link ProgressReporter}. */
export interface ProgressOptions {
  /** Shown before the counts, e.g. `exact` or `sample 3/10`. */
  label: string;
  /** Units expected in total, if known (can also come with each update). */
  total?: number;
  /** Unit name for the rate (`calls/s`, `samples/s`); default `it`. */
  unit?: string;
  /** Print nothing at all (`--quiet`). */
  quiet?: boolean;
  /** In-place updates on a terminal; otherwise periodic plain lines. Defaults to `io.isTTY`. */
  tty?: boolean;
  /** Minimum milliseconds between in-place redraws on a terminal (default 100). */
  ttyIntervalMs?: number;
  /** Milliseconds between plain lines when not a terminal (default 10 000). */
  lineIntervalMs?: number;
  /** Clock, injectable for tests (default `performance.now`). */
  now?: () => number;
}

/** A frozen reading of a reporter. */
export interface ProgressSnapshot {
  readonly done: number;
  readonly total?: number;
  /** Units per second since start. */
  readonly rate: number;
  /** Seconds left at the current rate (undefined without a total or a rate). */
  readonly etaSeconds?: number;
  readonly elapsedSeconds: number;
  /** Model calls, when fed from an Evaluator. */
  readonly modelCalls?: number;
}

/** Formats seconds as `42s`, `3m05s` or `2h04m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(rate: number): string {
  if (rate >= 100) return rate.toFixed(0);
  if (rate >= 1) return rate.toFixed(1);
  return rate.toPrecision(2);
}

/**
 * Progress on stderr: `label done/total (pct) rate unit/s ETA …`. On a terminal the line is
 * redrawn in place (throttled); otherwise a plain line is printed at most every
 * `lineIntervalMs` so logs stay readable. `--quiet` silences it entirely.
 *
 * Use `reporter.onProgress` directly as an Evaluator / estimator `onProgress` callback.
 */
export class ProgressReporter {
  private readonly io: Pick<CliIo, 'stderr' | 'isTTY'>;
  private readonly label: string;
  private readonly unit: string;
  private readonly quiet: boolean;
  private readonly tty: boolean;
  private readonly ttyInterval: number;
  private readonly lineInterval: number;
  private readonly now: () => number;
  private start: number;
  /** Units already done when the clock (re)started (resumed samples): not part of the rate. */
  private base = 0;
  private baseCalls = 0;
  /** Extra text after the counts, e.g. `sample 2: 37%`. */
  private detail?: string;
  private lastDraw = -Infinity;
  private drewInPlace = false;
  private done = 0;
  private total?: number;
  private modelCalls?: number;
  private finished = false;

  constructor(io: Pick<CliIo, 'stderr' | 'isTTY'>, options: ProgressOptions) {
    this.io = io;
    this.label = options.label;
    this.unit = options.unit ?? 'it';
    this.quiet = options.quiet ?? false;
    this.tty = options.tty ?? io.isTTY;
    this.ttyInterval = options.ttyIntervalMs ?? 100;
    this.lineInterval = options.lineIntervalMs ?? 10_000;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    this.lastDraw = this.start; // the first plain line comes after one interval, not at once
    if (this.tty) this.lastDraw = -Infinity;
    this.total = options.total;
  }

  /** Sets the absolute count (and optionally the total). */
  update(done: number, total?: number): void {
    this.done = done;
    if (total !== undefined) this.total = total;
    this.maybeDraw();
  }

  /**
   * Restarts the rate clock at the current count, so work done before (a resume, a selection)
   * does not inflate the rate and the ETA.
   */
  restartClock(): void {
    this.start = this.now();
    this.base = this.done;
    this.baseCalls = this.modelCalls ?? 0;
  }

  /**
   * Sets the count (fractional allowed: `1.37` samples), the total, the model calls so far (when
   * counted) and a detail shown after the counts.
   */
  progress(done: number, total: number, modelCalls: number | undefined, detail?: string): void {
    this.modelCalls = modelCalls;
    this.detail = detail;
    this.update(done, total);
  }

  /** Adds `count` finished units. */
  tick(count = 1): void {
    this.update(this.done + count);
  }

  /** Evaluator-compatible callback (`onProgress`): shows request progress and model calls. */
  readonly onProgress = (p: EvaluationProgress): void => {
    this.modelCalls = p.modelCalls;
    this.update(p.done, p.total);
  };

  /** Current reading. */
  snapshot(): ProgressSnapshot {
    const elapsed = Math.max(0, (this.now() - this.start) / 1000);
    const rate = elapsed > 0 ? (this.done - this.base) / elapsed : 0;
    const eta = this.total !== undefined && rate > 0 ? Math.max(0, this.total - this.done) / rate : undefined;
    return {
      done: this.done,
      total: this.total,
      rate,
      etaSeconds: eta,
      elapsedSeconds: elapsed,
      modelCalls: this.modelCalls,
    };
  }

  /** The progress line (without newline). */
  format(): string {
    const s = this.snapshot();
    const done = Number.isInteger(s.done) ? String(s.done) : s.done.toFixed(2);
    let text = `${this.label} ${done}`;
    if (s.total !== undefined) {
      const pct = s.total > 0 ? Math.min(100, (100 * s.done) / s.total) : 100;
      text += `/${s.total} (${pct.toFixed(pct < 10 ? 1 : 0)}%)`;
    }
    if (this.detail) text += `, ${this.detail}`;
    if (this.detail !== undefined && s.modelCalls !== undefined) {
      // Inside a sample the unit rate says little (a sample takes minutes); calls/s does.
      const calls = s.modelCalls - this.baseCalls;
      text += `, ${s.modelCalls} model calls`;
      if (s.elapsedSeconds > 0) text += `, ${formatRate(calls / s.elapsedSeconds)} calls/s`;
    } else {
      text += ` ${formatRate(s.rate)} ${this.unit}/s`;
      if (s.modelCalls !== undefined) text += `, ${s.modelCalls} model calls`;
    }
    if (!this.finished && s.etaSeconds !== undefined) text += `, ETA ${formatDuration(s.etaSeconds)}`;
    if (this.finished) text += `, ${formatDuration(s.elapsedSeconds)}`;
    return text;
  }

  /** Prints a message without garbling the in-place line. */
  log(message: string): void {
    if (this.quiet) return;
    this.clearLine();
    this.io.stderr(`${message}\n`);
    this.drewInPlace = false;
  }

  /** Prints the final line (always, unless quiet). Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.quiet) return;
    this.clearLine();
    this.io.stderr(`${this.format()}\n`);
    this.drewInPlace = false;
  }

  private clearLine(): void {
    if (this.tty && this.drewInPlace) this.io.stderr('\r\x1b[2K');
  }

  private maybeDraw(): void {
    if (this.quiet || this.finished) return;
    const t = this.now();
    if (this.tty) {
      if (t - this.lastDraw < this.ttyInterval) return;
      this.lastDraw = t;
      this.io.stderr(`\r\x1b[2K${this.format()}`);
      this.drewInPlace = true;
    } else {
      if (t - this.lastDraw < this.lineInterval) return;
      this.lastDraw = t;
      this.io.stderr(`${this.format()}\n`);
    }
  }
}

/** A reporter bound to a command's IO and its `--quiet` flag. */
export function progressFor(
  command: Command,
  options: Omit<ProgressOptions, 'quiet'> & { quiet?: boolean },
): ProgressReporter {
  return new ProgressReporter(ioOf(command), {
    ...options,
    quiet: options.quiet ?? globalFlags(command).quiet,
  });
}

/**
 * Renders an analysis's events on `progress`: the estimator's own progress inside a sample
 * (coalitions, contexts) moves the line, so a sample that takes many minutes still gives a line
 * every interval in a log and a live bar on a terminal, with model calls, calls/s and the ETA of
 * the whole run. Warnings go to `warn`.
 */
export function analysisProgress(
  progress: ProgressReporter,
  warn: (message: string) => void,
): (event: AnalysisEvent) => void {
  let samples = 0;
  let samplesDone = 0;
  let callsDone = 0;
  return (e) => {
    if (e.type === 'warning') warn(e.message);
    else if (e.type === 'selected') {
      samples = e.samples;
      samplesDone = e.resumed;
      if (e.resumed > 0) progress.log(`resuming: ${e.resumed} of ${e.samples} samples already done`);
      progress.update(e.resumed, e.samples);
      progress.restartClock();
    } else if (e.type === 'progress') {
      const within = e.total > 0 ? e.done / e.total : 0;
      progress.progress(
        samplesDone + within,
        samples,
        callsDone + e.modelCalls,
        `sample ${e.sample + 1} at ${(100 * within).toFixed(0)}%`,
      );
    } else if (e.type === 'sample') {
      samplesDone++;
      callsDone += e.modelCalls;
      progress.progress(samplesDone, samples, callsDone, `sample ${e.sample + 1} done`);
    } else if (e.type === 'log') progress.log(e.message);
  };
}

/**
 * Passes log lines through, but a device notice (a runtime falling back from a provider it
 * cannot load: `onnx: execution provider "cuda" is unavailable …`) only the first time: a study
 * opens each of its models, and the same missing provider is one fact about the machine, not
 * one per model. It is said as a device notice.
 */
export function deviceNoticesOnce(): (message: string, log: (m: string) => void) => void {
  const said = new Set<string>();
  return (message, log) => {
    if (!/^(onnx: execution provider|tfjs: backend) /.test(message)) return log(message);
    if (said.has(message)) return;
    said.add(message);
    log(`device: ${message}`);
  };
}
