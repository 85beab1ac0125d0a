import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseResult } from '@orderlens/core';
import { scaledTimeout } from '@orderlens/core/testing';
import { runCli } from '../program.js';
import { tempDir } from '../test-utils/tmp.js';

/*
 * Issue 24, cost before work: `reproduce census` prints its plan (training steps and rows, PGD
 * calls, J(m) calls) before the first training step; `--dry-run` prints it and writes nothing,
 * `--budget` refuses before any training, and the real run then does what the plan said.
 */

const tmp = tempDir('orderlens-census-plan-');
afterAll(() => tmp.cleanup());

const num = (s: string) => Number(s.replace(/,/g, ''));

/** A tiny setting: two MLP-5 types (no order loss, and two order-loss terms), one seed. */
const args = (out: string) => [
  'reproduce',
  'census',
  '--quick',
  '--archs',
  'mlp5',
  '--losses',
  'normal,high',
  '--seeds',
  '0',
  '--epochs',
  '2',
  '--train-rows',
  '700',
  '--samples',
  '2',
  '--attack-rows',
  '30',
  '--out',
  out,
];

interface PlannedModel {
  steps: number;
  pgd: number;
  perSample: number;
  samples: number;
  selection: number;
}

/** Each model's line of a printed plan. */
function plannedModels(plan: string): Map<string, PlannedModel> {
  const models = new Map<string, PlannedModel>();
  const line =
    /^ {2}(s\d+-\w+-\w+): train \d+ epochs? × [\d,]+ rows = ([\d,]+) steps \([\d,]+ model rows\), about [^;]+; PGD ([\d,]+) calls, about [^;]+; J\(m\) ([\d,]+) model calls per sample \(n = 12 players on the first candidate\) × (\d+) samples \+ at most ([\d,]+) selection calls/gm;
  for (const m of plan.matchAll(line))
    models.set(m[1], {
      steps: num(m[2]),
      pgd: num(m[3]),
      perSample: num(m[4]),
      samples: num(m[5]),
      selection: num(m[6]),
    });
  return models;
}

describe('reproduce census plans its cost before the first training step', () => {
  it(
    'a dry run writes nothing, --budget refuses before training, and the run does what the plan said',
    { timeout: scaledTimeout(300_000) },
    async () => {
      const out = join(tmp.dir, 'census');
      const dry = await runCli([...args(out), '--dry-run']);
      expect(dry.stderr).not.toMatch(/^error/m);
      expect(dry.code).toBe(0);
      expect(existsSync(out), 'a dry run wrote --out').toBe(false);
      expect(dry.stdout).toMatch(
        /^plan of reproduce census: [\d,]+ model calls \([\d,]+ training rows in 24 steps \+ [\d,]+ PGD \+ [\d,]+ J\(m\), over 2 models\), about /,
      );
      expect(dry.stdout).toMatch(/times are estimates: training extrapolated from 4 timed steps/);
      const planned = plannedModels(dry.stdout);
      expect([...planned.keys()]).toEqual(['s0-mlp5-normal', 's0-mlp5-high']);
      // ⌈700 / 128⌉ = 6 steps per epoch; PGD: 100 gradient rows and 2 predictions per attacked row.
      for (const p of planned.values())
        expect(p).toMatchObject({ steps: 12, pgd: 30 * 102, perSample: 4096 });

      const refused = await runCli([...args(out), '--budget', '1000']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/--budget.*above the budget of 1,000; use fewer --seeds/);
      expect(existsSync(join(out, 'models')), '--budget trained a model').toBe(false);
      expect(existsSync(join(out, 'run')), '--budget opened the run').toBe(false);

      const r = await runCli(args(out));
      expect(r.code, r.stderr).toBe(0);
      // The plan came first (on stderr), with the dry run's counts.
      expect(r.stderr.indexOf('plan of reproduce census')).toBe(0);
      expect(plannedModels(r.stderr)).toEqual(planned);
      const rep = JSON.parse(readFileSync(join(out, 'reproduce.json'), 'utf8')) as {
        attacks: Array<{ modelCalls: { attack: number } }>;
      };
      [...planned.entries()].forEach(([id, p], k) => {
        const loss = id.split('-')[2];
        const training = JSON.parse(
          readFileSync(join(out, 'models', 'seed0', `mlp5-${loss}`, 'training.json'), 'utf8'),
        ) as {
          history: Array<{ steps: number }>;
        };
        expect(
          training.history.reduce((a, h) => a + h.steps, 0),
          `${id}: training steps`,
        ).toBe(p.steps);
        expect(rep.attacks[k].modelCalls.attack, `${id}: PGD calls`).toBe(p.pgd);
        const result = parseResult(
          JSON.parse(readFileSync(join(out, 'analysis', 'seed0', `mlp5-${loss}`, 'result.json'), 'utf8')),
        );
        expect(result.samples).toHaveLength(p.samples);
        expect(result.modelCalls.estimation, `${id}: J(m) calls`).toBe(p.perSample * p.samples);
        expect(result.modelCalls.selection).toBeLessThanOrEqual(p.selection);
      });

      // A resume of the finished run plans nothing to train, attack or analyse.
      const resumed = await runCli([...args(out), '--resume', '--dry-run']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/^plan of reproduce census: 0 model calls/);
      expect(
        resumed.stdout.match(/trained already; attacked already; J\(m\) every one of the 2 samples/g),
      ).toHaveLength(2);
    },
  );
});
