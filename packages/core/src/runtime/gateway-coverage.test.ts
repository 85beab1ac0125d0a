import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Files allowed to call a model runner's `run` themselves, and why. Everything else runs a model
 * through a runner the gateway wrapped (`CountedRunner`), so its rows are counted by purpose.
 */
const ALLOWED: Record<string, string> = {
  'core/src/runtime/model-gateway.ts': 'the gateway itself',
  'core/src/game/model-game.ts': "the Evaluator's batch call, on the runner the analysis wrapped",
  'runtime-tfjs/src/runner/yielding-runner.ts': 'a pass-through wrapper (yields to the event loop)',
  'vision/src/structure/structure-curves.ts': 'the structure experiment counts its own Evaluator calls',
  'distributed/src/worker.ts': 'a queue job runner, not a model',
  'nlp/src/masking/embedding-noise-runner.ts':
    "a runner decorator (adds the noise input): the session hands it out as the sample's runner, which the gateway wraps, so each of its calls is counted once there",
  'core/src/analysis/cost-plan.ts':
    "the plan's timed warm-up: its rows are counted as the plan's warmupRows (provenance), not as the analysis's calls",
};

/** A file that runs a runner it was given typed as counted: the gateway wrapped it. */
const takesCounted = (text: string) => /\bCounted(Feature)?Runner\b/.test(text);

/** Packages that implement runners (their `run` is the model, not a call of it). */
const RUNTIMES = ['runtime-onnx/', 'runtime-tfjs/'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-utils' || e.name === 'testing' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('every model call goes through the gateway', () => {
  it('no package source calls a runner or a graph-cut prefix directly, outside the allowed files', () => {
    const offenders: string[] = [];
    for (const pkg of readdirSync(packagesDir)) {
      const src = join(packagesDir, pkg, 'src');
      let files: string[];
      try {
        files = sources(src);
      } catch {
        continue;
      }
      for (const file of files) {
        const rel = relative(packagesDir, file).replaceAll('\\', '/');
        if (RUNTIMES.some((r) => rel.startsWith(r)) || rel in ALLOWED) continue;
        const text = readFileSync(file, 'utf8');
        if (takesCounted(text)) continue;
        const lines = text.split('\n');
        lines.forEach((line, i) => {
          // A gradient call runs the model too (an attack's steps): through a counted runner only.
          if (/\b(runner|prefix|suffix)\.run\(|\.crossEntropyGradient\(/.test(line))
            offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('functions that run a model outside a game take a counted runner', () => {
    const read = (p: string) => readFileSync(join(packagesDir, p), 'utf8');
    expect(read('core/src/analysis/select-samples.ts')).toMatch(/runner: CountedRunner/);
    expect(read('core/src/adapter/modality-adapter.ts')).toMatch(/predictLabels\?\(runner: CountedRunner/);
    expect(read('nlp/src/players/word-effects.ts')).toMatch(/runner: CountedRunner/);
    expect(read('vision/src/data/classify.ts')).toMatch(/runner: CountedRunner/);
    expect(read('vision/src/masking/feature-map-masker.ts')).toMatch(/prefix: CountedFeatureRunner/);
  });
});
