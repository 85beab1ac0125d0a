import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  hashFiles,
  optionField,
  probeWritableDir,
  requireInput,
  settingsBlock,
  writeJsonAtomic,
} from '@orderlens/core';
import { openGradientModel, parseTfjsBackends, weightFiles } from '@orderlens/runtime-tfjs';
import {
  attackTabular,
  firstRows,
  PAPER_PGD,
  preprocessingBeside,
  TabularPreprocessor,
  type TabularAttackProgress,
} from '@orderlens/tabular';
import { interruptPolicy, ioOf } from '../../util/io.js';
import { requireInputPath } from '../../util/options.js';
import {
  addBlockOptions,
  integerFlag,
  numberFlag,
  parseBlockFlags,
  parsedText,
} from '../../util/option-schema.js';
import { linePlot, writePlot } from '../../util/plots.js';
import { packageVersions } from '../../util/plugins.js';
import { progressFor } from '../../util/progress.js';
import { baselineFor, loadRows, type DataFlags } from './data.js';

interface AttackFlags extends DataFlags {
  model: string;
  preprocessing?: string;
  eps: string;
  steps: string;
  stepSize: string;
  rows?: string;
  samples: string;
  tfjsBackend?: string;
  out: string;
}

/**
 * The attack's flags: PGD's radius, steps and step, the rows, the interaction change's samples,
 * the tfjs backends. One schema; `--help` and the parsing are derived from it.
 */
export const ATTACK_OPTIONS = settingsBlock({
  eps: optionField(
    numberFlag({ min: 0 }).prefault(String(PAPER_PGD.eps)).describe('L∞ radius in standardised units'),
    { argument: '<ε>' },
  ),
  steps: optionField(
    integerFlag({ min: 0, max: 100_000 }).prefault(String(PAPER_PGD.steps)).describe('PGD steps'),
    {
      argument: '<k>',
    },
  ),
  stepSize: optionField(
    numberFlag({ greaterThan: 0 })
      .prefault(String(PAPER_PGD.stepSize))
      .describe('size of each signed-gradient step'),
    { argument: '<α>' },
  ),
  rows: optionField(integerFlag({ min: 1 }).optional().describe('attack the first k rows only'), {
    argument: '<k>',
  }),
  samples: optionField(
    integerFlag({ min: 0 })
      .prefault('20')
      .describe('correctly classified rows for the per-order interaction change (0: skip)'),
    { argument: '<k>' },
  ),
  tfjsBackend: optionField(
    parsedText(parseTfjsBackends).prefault('wasm,cpu').describe('tfjs backends to try in order'),
    { argument: '<list>', affectsResult: false },
  ),
});

/** `orderlens attack`: PGD L∞ robustness and the per-order change of interactions. */
export function registerAttack(program: Command): void {
  const command = program
    .command('attack')
    .description(
      'PGD L∞ attack on a tfjs tabular model: clean vs adversarial accuracy and E|I^(m)(x) − I^(m)(x′)| per order',
    )
    .requiredOption(
      '--model <path>',
      'tfjs model.json (or its directory), e.g. from "orderlens train tabular"',
    )
    .option(
      '--preprocessing <file>',
      'preprocessing JSON (default: beside the model, else the census preset)',
    )
    .option('--dataset <name>', 'built-in dataset: census', 'census')
    .option('--csv <file>', 'attack rows of your own CSV (with the label column)')
    .option('--split <name>', 'census split: test or train', 'test');
  addBlockOptions(command, ATTACK_OPTIONS, { keys: ['eps', 'steps', 'stepSize', 'rows', 'samples'] });
  command.option(
    '--baseline <spec>',
    'absent value for interactions: mean, zero, median, custom:v1,…',
    'mean',
  );
  addBlockOptions(command, ATTACK_OPTIONS, { keys: ['tfjsBackend'] });
  command
    .option('--out <dir>', 'output directory', 'orderlens-out/attack')
    .action(async (flags: AttackFlags, cmd: Command) => {
      const io = ioOf(cmd);
      interruptPolicy(
        cmd,
        'stopping once the PGD batch under way is done (it cannot stop inside one); nothing is saved (run it again)',
      );
      // Every option is checked before the model is opened or anything is written.
      const {
        eps,
        steps,
        stepSize,
        samples,
        rows: rowLimit,
        tfjsBackend: backends,
      } = parseBlockFlags(ATTACK_OPTIONS, flags);
      if (flags.csv !== undefined) requireInputPath(flags.csv, '--csv');
      if (flags.preprocessing !== undefined) requireInputPath(flags.preprocessing, '--preprocessing');
      const outDir = probeWritableDir(resolve(flags.out), '--out');
      const { runner, file } = await openGradientModel(flags.model, backends);
      const pre = flags.preprocessing
        ? TabularPreprocessor.load(flags.preprocessing)
        : preprocessingBeside(file);
      let rows = loadRows(flags, pre, (m) => io.stderr(`warning: ${m}\n`));
      rows = firstRows(rows, rowLimit);
      requireInput(rows.rows > 0, '--rows', 'no rows to attack');
      const baseline = baselineFor(flags.baseline, rows, flags.csv === undefined);
      const progress = progressFor(cmd, { label: 'attack', unit: 'steps' });
      const result = await attackTabular({
        runner,
        rows,
        baseline,
        eps,
        steps,
        stepSize,
        samples,
        signal: io.signal,
        onProgress: (p: TabularAttackProgress) =>
          p.phase === 'pgd'
            ? progress.progress(
                (p.batch - 1) * p.steps + p.step,
                p.batches * p.steps,
                undefined,
                `PGD batch ${p.batch}/${p.batches}`,
              )
            : progress.progress(p.sample, p.samples, undefined, 'interaction change'),
      });
      progress.finish();
      const { adversarial: _adv, ...summary } = result;
      const json = join(outDir, 'attack.json');
      writeJsonAtomic(json, {
        schema: 'orderlens/tabular-attack@1',
        model: file,
        data: rows.source,
        baseline: flags.baseline,
        ...summary,
        provenance: {
          packages: packageVersions(),
          model: {
            file,
            sha256: hashFiles([file, ...weightFiles(file)]),
            backend: runner.backend,
          },
          data: rows.source,
          options: { eps, steps, stepSize, rows: rows.rows, samples, baseline: flags.baseline },
          createdAt: new Date().toISOString(),
          wallTimeMs: result.wallTimeMs,
        },
      });
      io.stdout(
        `PGD L∞ ε=${eps}, ${steps} steps of ${stepSize} on ${rows.rows} rows: clean accuracy ${(100 * result.cleanAccuracy).toFixed(2)}%, ` +
          `adversarial ${(100 * result.adversarialAccuracy).toFixed(2)}% (max |x′−x| = ${result.maxPerturbation.toFixed(4)})\n`,
      );
      if (result.orderChange) {
        const oc = result.orderChange;
        const ratios = oc.orders.map((m) => m / Math.max(1, rows.preprocessor.playerCount - 2));
        const plot = await linePlot({
          series: [{ label: 'E|I(x) − I(x′)| / E|I(x)|', x: ratios, y: oc.relativeChange }],
          title: `Relative change of interactions under PGD (ε = ${eps})`,
          xLabel: 'order ratio m/(n−2)',
          yLabel: 'relative change',
          xDomain: [0, 1],
        });
        const paths = writePlot(join(outDir, 'attack-change'), plot);
        io.stdout(
          `per-order relative change: ${oc.relativeChange.map((v) => v.toFixed(3)).join(' ')}\nwrote ${json}, ${paths.svg}, ${paths.png}\n`,
        );
      } else io.stdout(`wrote ${json}\n`);
      await runner.dispose();
    });
}
