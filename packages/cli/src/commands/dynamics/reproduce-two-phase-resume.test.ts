/**
 * `orderlens reproduce two-phase` killed with SIGKILL in the middle of a checkpoint — once the game
 * table of one (checkpoint, sample) unit is on disk — then `--resume`d: the stored tables and
 * checkpoints are read, not evaluated again, and the table, the verdicts and the dynamics document
 * equal an uninterrupted run's. The committed tiny-BERT series (fixtures/two-phase/sst2-bert, ten
 * checkpoints) with 3 samples and 100 AND-OR iterations.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lacks } from '@orderlens/core/testing';
import { runCli } from '../../program.js';
import { killWhenWritten } from '../../test-utils/kill-when-written.js';
import { tempDir } from '../../test-utils/tmp.js';

const series = fileURLToPath(new URL('../../../../../fixtures/two-phase/sst2-bert', import.meta.url));
const bin = fileURLToPath(new URL('../../../dist/bin.js', import.meta.url));
const tmp = tempDir('orderlens-two-phase-resume-');
afterAll(() => tmp.cleanup());

const EPOCHS = [0, 1, 2, 3, 5, 7, 10, 15, 21, 30];
const args = (out: string, niter = '100') => [
  'reproduce',
  'two-phase',
  '--series',
  series,
  '--samples',
  '3',
  '--niter',
  niter,
  '--out',
  out,
];

const unitDir = (out: string) => join(out, 'run', 'units');
const files = (out: string) =>
  existsSync(unitDir(out)) ? readdirSync(unitDir(out)).filter((f) => f.endsWith('.json')) : [];
/** Checkpoint units, and the sample tables of a checkpoint in progress. */
const units = (out: string) => files(out).filter((f) => !f.includes('-sample-'));
const tables = (out: string) => files(out).filter((f) => f.includes('-sample-'));
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** What a run computed: everything but times. */
function numbersOf(out: string) {
  const { settings, table, verdicts, samples, n } = json(join(out, 'two-phase.json'));
  const d = json(join(out, 'dynamics.json'));
  const { createdAt: _c, wallTimeMs: _w, ...provenance } = d.provenance as Record<string, unknown>;
  const checkpoints = (d.checkpoints as Array<Record<string, unknown>>).map(({ wallTimeMs: _t, ...c }) => c);
  return { settings, table, verdicts, samples, n, dynamics: { ...d, checkpoints, provenance } };
}

describe('orderlens reproduce two-phase resumes after a kill', () => {
  it.skipIf(lacks('built CLI', 'reproduce two-phase through the built executable'))(
    'SIGKILL in the middle of a checkpoint, --resume evaluates only the missing samples and checkpoints, same numbers as a run without kill',
    async () => {
      const straight = join(tmp.dir, 'straight');
      const plain = await runCli([...args(straight), '-q']);
      expect(plain.code, plain.stderr).toBe(0);
      // The sample tables are dropped once their checkpoint's unit is written.
      expect(files(straight).sort()).toEqual(EPOCHS.map((e) => `epoch-${e}.json`).sort());

      const out = join(tmp.dir, 'killed');
      // SIGKILL as soon as the first sample's table is on disk: no handler runs, nothing is flushed.
      await killWhenWritten(bin, args(out), join(unitDir(out), `epoch-${EPOCHS[0]}-sample-0.json`));
      const finished = new Map(units(out).map((f) => [f, statSync(join(unitDir(out), f)).mtimeMs]));
      const partial = tables(out);
      expect(partial.length, 'sample tables at the kill').toBeGreaterThanOrEqual(1);
      expect(finished.size).toBeLessThan(EPOCHS.length);
      expect(existsSync(join(out, 'two-phase.json'))).toBe(false);

      // Without --resume the folder is refused; a resume with other numbers too, naming --resume.
      const refused = await runCli([...args(out), '-q']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /error: --out: .*run already holds \d+ finished unit\(s\).*pass --resume/,
      );
      const changed = await runCli([...args(out, '200'), '--resume', '-q']);
      expect(changed.code).toBe(2);
      expect(changed.stderr).toMatch(/error: --resume: options differ .*\(changed: andOr\)/);

      const resumed = await runCli([...args(out), '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      // The finished checkpoints and the stored sample tables were read, not evaluated again (nor
      // rewritten); the rest were measured, and the tables dropped once in their checkpoint.
      expect(resumed.stderr.match(/: read from .* \(--resume\)/g) ?? []).toHaveLength(finished.size);
      expect(resumed.stderr.match(/the table of sample \d+ reused from .* \(--resume\)/g) ?? []).toHaveLength(
        partial.length,
      );
      for (const [f, mtime] of finished) expect(statSync(join(unitDir(out), f)).mtimeMs, f).toBe(mtime);
      expect(files(out).sort()).toEqual(EPOCHS.map((e) => `epoch-${e}.json`).sort());
      expect(numbersOf(out)).toEqual(numbersOf(straight));
    },
    240_000,
  );
});
