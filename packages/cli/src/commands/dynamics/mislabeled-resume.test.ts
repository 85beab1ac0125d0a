/**
 * `orderlens mislabeled` killed with SIGKILL after its first (group, checkpoint) unit is on disk,
 * then `--resume`d: only the missing checkpoints are measured and every number equals an
 * uninterrupted run's. The real label-noise series (fixtures/two-phase/fmnist-vgg11) at the size
 * of mislabeled.test.ts, over four checkpoints so the kill lands half-way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lacks, scaledTimeout } from '@orderlens/core/testing';
import { runCli } from '../../program.js';
import { mislabeledArgs } from '../../test-utils/mislabeled-run.js';
import { killWhenWritten } from '../../test-utils/kill-when-written.js';
import { tempDir } from '../../test-utils/tmp.js';

const bin = fileURLToPath(new URL('../../../dist/bin.js', import.meta.url));
const tmp = tempDir('orderlens-mislabeled-resume-');
afterAll(() => tmp.cleanup());

const EPOCHS = [12, 27, 57, 120];
const UNITS = 2 * EPOCHS.length;

const args = (out: string, niter = '100') => mislabeledArgs(out, { epochs: EPOCHS, niter });

const unitDir = (out: string) => join(out, 'run', 'units');
/** Checkpoint units (a sample's table, kept while its checkpoint is in progress, is not one). */
const units = (out: string) =>
  existsSync(unitDir(out))
    ? readdirSync(unitDir(out)).filter((f) => f.endsWith('.json') && !f.includes('-sample-'))
    : [];
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

/** What a run computed: everything but times and the output folder's own paths. */
function numbersOf(out: string) {
  const doc = json(join(out, 'mislabeled.json'));
  const dynamics = (group: string) => {
    const d = json(join(out, group, 'dynamics.json'));
    const { createdAt: _c, wallTimeMs: _w, ...provenance } = d.provenance as Record<string, unknown>;
    const checkpoints = (d.checkpoints as Array<Record<string, unknown>>).map(
      ({ wallTimeMs: _t, ...c }) => c,
    );
    return { ...d, checkpoints, provenance };
  };
  return {
    groups: doc.groups,
    modelCalls: doc.modelCalls,
    measure: doc.measure,
    relabelled: dynamics('relabelled'),
    clean: dynamics('clean'),
  };
}

describe('orderlens mislabeled resumes after a kill', () => {
  it.skipIf(lacks('built CLI', 'mislabeled through the built executable'))(
    'SIGKILL after the first unit, --resume measures only the missing checkpoints, same numbers as a run without kill',
    async () => {
      const straight = join(tmp.dir, 'straight');
      const plain = await runCli([...args(straight), '-q']);
      expect(plain.code, plain.stderr).toBe(0);
      expect(units(straight).sort()).toEqual(
        ['clean', 'relabelled'].flatMap((g) => EPOCHS.map((e) => `${g}-epoch-${e}.json`)).sort(),
      );

      const out = join(tmp.dir, 'killed');
      // SIGKILL as soon as the first unit is on disk: no handler runs, nothing is flushed.
      await killWhenWritten(bin, args(out), join(unitDir(out), `relabelled-epoch-${EPOCHS[0]}.json`));
      const finished = new Map(units(out).map((f) => [f, statSync(join(unitDir(out), f)).mtimeMs]));
      expect(finished.size).toBeGreaterThanOrEqual(1);
      expect(finished.size).toBeLessThan(UNITS);
      expect(existsSync(join(out, 'mislabeled.json'))).toBe(false);

      // Without --resume the folder is refused; a resume with other numbers too, naming --resume.
      const refused = await runCli([...args(out), '-q']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /error: --out: .*run already holds \d+ finished unit\(s\).*pass --resume/,
      );
      const changed = await runCli([...args(out, '200'), '--resume', '-q']);
      expect(changed.code).toBe(2);
      expect(changed.stderr).toMatch(/error: --resume: options differ .*\(changed: niter\)/);

      const resumed = await runCli([...args(out), '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      // The finished checkpoints were read, not measured again (nor rewritten); the rest were measured.
      expect(resumed.stderr.match(/read from .* \(--resume\)/g) ?? []).toHaveLength(finished.size);
      for (const [f, mtime] of finished) expect(statSync(join(unitDir(out), f)).mtimeMs, f).toBe(mtime);
      expect(units(out)).toHaveLength(UNITS);
      expect(numbersOf(out)).toEqual(numbersOf(straight));

      // A finished run is replaced by a run without --resume (as `analyze` does), with the same numbers.
      const replaced = await runCli([...args(out), '-q']);
      expect(replaced.code, replaced.stderr).toBe(0);
      for (const [f, mtime] of finished) expect(statSync(join(unitDir(out), f)).mtimeMs, f).not.toBe(mtime);
      expect(numbersOf(out)).toEqual(numbersOf(straight));
    },
    // Four runs of the command: on a busy machine the bound grows with it.
    scaledTimeout(240_000),
  );
});
