import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeJsonAtomic } from '@orderlens/core';
import { initTfjs } from '@orderlens/runtime-tfjs';
import { ioOf } from '../../util/io.js';
import { parseChoice, parseInteger, parseList } from '../../util/options.js';
import { progressFor } from '../../util/progress.js';
import { RunStore } from '@orderlens/core';
import { writeFileAtomic } from '../../util/plots.js';
import { analyzeModels } from './analyze.js';
import { attackTabular, PAPER_PGD } from './attack.js';
import { baselineFor, loadRows } from './data.js';
import { openLayersModel, tfjsBackends } from './model-files.js';
import { strengthSummary, writeStrengthOutputs } from './strength-output.js';
import { firstRows } from './train.js';
import {
  ARCHITECTURES,
  lossTerms,
  trainTabularModel,
  type TabularTrainSpec,
  type TabularTrainSummary,
} from './training.js';

/** Adversarial accuracy (%) published for census MLPs (MATH.md): [MLP-5, MLP-8]. */
export const PAPER_ADVERSARIAL_ACCURACY: Readonly<Record<string, readonly [number, number]>> = {
  normal: [38.22, 39.33],
  low: [42.4, 44.65],
  mid: [15.93, 18.1],
  high: [7.31, 2.02],
};

/** How `reproduce census` configures the four model types. */
export const CENSUS_PROTOCOLS = ['table2', 'presets'] as const;
/** `table2`: the paper's Table-2 configurations; `presets`: MATH.md presets with λ1 = λ2 = 1. */
export type CensusProtocol = (typeof CENSUS_PROTOCOLS)[number];

/** The order losses and weights one model of a protocol is trained with. */
export interface CensusModelConfig {
  /** Order-loss spec for training: a preset name or `plus:r1,r2;minus:r1,r2` terms (`normal`: none). */
  readonly loss: string;
  /** λ1, the weight of the `L+` terms. */
  readonly lambdaPlus: number;
  /** λ2, the weight of the `L−` terms. */
  readonly lambdaMinus: number;
  /** The configuration in words, printed in the table. */
  readonly label: string;
}

/**
 * The configurations behind the paper's Table 2 (ICLR 2022, appendix C.2.3 "More experiments on
 * adversarial robustness", and Section 3.4 for the high-order DNN), each with its own λ1, λ2.
 * They differ from the Section-3.4 presets of MATH.md, which the paper used for its image models.
 */
export const TABLE2_CONFIGS: Readonly<Record<'normal' | 'low' | 'mid' | 'high', CensusModelConfig>> = {
  normal: { loss: 'normal', lambdaPlus: 0, lambdaMinus: 0, label: 'CE only' },
  low: {
    loss: 'plus:0,0.5;minus:0.6,1',
    lambdaPlus: 10,
    lambdaMinus: 10,
    label: 'L+(0,0.5) + L−(0.6,1), λ1=10, λ2=10',
  },
  mid: { loss: 'plus:0.3,0.7', lambdaPlus: 10, lambdaMinus: 0, label: 'L+(0.3,0.7), λ1=10, λ2=0' },
  high: {
    loss: 'plus:0.6,1;minus:0,0.5',
    lambdaPlus: 1,
    lambdaMinus: 1,
    label: 'L+(0.6,1) + L−(0,0.5), λ1=1, λ2=1',
  },
};

/**
 * The configuration of model type `loss` under `protocol`. `table2` knows `normal`, `low`, `mid`,
 * `high`; `presets` takes any `--loss` spec (preset or terms) with λ1 = λ2 = 1.
 */
export function censusModelConfig(protocol: CensusProtocol, loss: string): CensusModelConfig {
  if (protocol === 'table2') {
    const key = parseChoice(
      loss,
      '--losses',
      Object.keys(TABLE2_CONFIGS) as Array<keyof typeof TABLE2_CONFIGS>,
    );
    return TABLE2_CONFIGS[key];
  }
  const terms = lossTerms(loss);
  const text = terms.map((t) => `${t.kind === 'plus' ? 'L+' : 'L−'}(${t.r1},${t.r2})`).join(' + ');
  return {
    loss,
    lambdaPlus: 1,
    lambdaMinus: 1,
    label: terms.length ? `preset ${loss}: ${text}, λ1=1, λ2=1` : 'CE only',
  };
}

/** Where the paper's strength figures put each model's mass (for the table's comparison column). */
const PAPER_SHAPE: Readonly<Record<string, string>> = {
  normal: 'strong low and high orders, weak middle (bottleneck)',
  low: 'mass at low orders, high orders suppressed',
  mid: 'mass boosted at middle orders',
  high: 'low orders suppressed, mass at high orders',
};

interface ReproduceFlags {
  protocol: string;
  archs: string;
  losses: string;
  epochs?: string;
  trainRows?: string;
  samples?: string;
  attackRows?: string;
  attackSamples: string;
  quick?: boolean;
  seed: string;
  tfjsBackend?: string;
  out: string;
  resume?: boolean;
}

/** One row of the reproduction table. */
export interface ReproduceRow {
  readonly arch: string;
  readonly loss: string;
  /** The order losses and λ1, λ2 the model was trained with. */
  readonly configuration: string;
  readonly cleanAccuracy: number;
  readonly adversarialAccuracy: number;
  readonly paperAdversarialAccuracy?: number;
  /** Mean-normalised `J(m)` at orders 0 … n−2. */
  readonly J: number[];
  /** Share of `Σ_m J(m)` at the lowest 30% and the highest 30% of orders. */
  readonly lowShare: number;
  readonly highShare: number;
  readonly nEff: number;
  readonly paperShape: string;
}

/** `orderlens reproduce census`: the order-loss experiment of the bottleneck paper on census. */
export function registerReproduce(program: Command): void {
  const group =
    program.commands.find((c) => c.name() === 'reproduce') ??
    program.command('reproduce').description('reproduce experiments of the papers');
  group
    .command('census')
    .description(
      "train normal/low/mid/high MLP-5 and MLP-8 on census with fixed seeds (the paper's Table-2 configurations by default); table of clean and PGD accuracy and J(m) curves",
    )
    .option(
      '--protocol <name>',
      "table2: the paper's Table-2 configurations (low: L+(0,0.5)+L−(0.6,1), λ=10,10; mid: L+(0.3,0.7), λ=10,0; high: L+(0.6,1)+L−(0,0.5), λ=1,1); presets: MATH.md presets with λ1=λ2=1",
      'table2',
    )
    .option('--archs <list>', 'architectures', 'mlp5,mlp8')
    .option(
      '--losses <list>',
      'model types (table2: normal, low, mid, high; presets: any order-loss preset or spec)',
      'normal,low,mid,high',
    )
    .option('--epochs <k>', 'training epochs (default 10; --quick 3)')
    .option('--train-rows <k>', 'train on the first k training rows (default all 24,129; --quick 6000)')
    .option('--samples <k>', 'samples for exact J(m) per model (default 100, as the paper; --quick 12)')
    .option('--attack-rows <k>', 'test rows attacked with PGD (default 2000; --quick 600)')
    .option('--attack-samples <k>', 'rows for the per-order interaction change under attack (0: skip)', '0')
    .option('--quick', 'a small run that fits in a few minutes on 2 cores')
    .option('--seed <k>', 'seed of every model (same seed for every loss)', '0')
    .option('--tfjs-backend <list>', 'tfjs backends to try in order', 'wasm,cpu')
    .option('--out <dir>', 'output directory', 'orderlens-out/reproduce-census')
    .option('--resume', 'continue an interrupted run in --out')
    .action(async (flags: ReproduceFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const quick = flags.quick === true;
      const archs = parseList(flags.archs, '--archs');
      for (const a of archs) parseChoice(a, '--archs', Object.keys(ARCHITECTURES));
      const protocol = parseChoice(flags.protocol, '--protocol', CENSUS_PROTOCOLS);
      const losses = parseList(flags.losses, '--losses');
      const configs = losses.map((loss) => censusModelConfig(protocol, loss));
      const epochs = parseInteger(flags.epochs ?? (quick ? '3' : '10'), '--epochs', { min: 1 });
      const trainRowsOpt = flags.trainRows ?? (quick ? '6000' : undefined);
      const trainRows =
        trainRowsOpt !== undefined ? parseInteger(trainRowsOpt, '--train-rows', { min: 1 }) : undefined;
      const samples = parseInteger(flags.samples ?? (quick ? '12' : '100'), '--samples', { min: 1 });
      const attackRows = parseInteger(flags.attackRows ?? (quick ? '600' : '2000'), '--attack-rows', {
        min: 1,
      });
      const attackSamples = parseInteger(flags.attackSamples, '--attack-samples', { min: 0 });
      const seed = parseInteger(flags.seed, '--seed', { min: 0 });
      const outDir = resolve(flags.out);
      const options = {
        protocol,
        archs,
        losses,
        epochs,
        trainRows: trainRows ?? null,
        samples,
        attackRows,
        attackSamples,
        seed,
      };
      const store = RunStore.open({
        dir: join(outDir, 'run'),
        command: 'reproduce census',
        options,
        resume: flags.resume,
        dirField: '--out',
      });
      await initTfjs(tfjsBackends(flags.tfjsBackend));

      const train = firstRows(loadRows({ split: 'train' }, undefined), trainRows);
      const test = loadRows({ split: 'test' }, undefined);
      const baseline = baselineFor('mean', train, true);
      const models = archs.flatMap((arch) =>
        losses.map((loss, k) => ({
          arch,
          loss,
          config: configs[k],
          id: `${arch}-${loss}`,
          dir: join(outDir, 'models', `${arch}-${loss}`),
        })),
      );
      const progress = progressFor(cmd, { label: 'reproduce', total: models.length * 3, unit: 'steps' });
      let step = 0;
      const trained: TabularTrainSummary[] = [];
      for (const m of models) {
        const spec: TabularTrainSpec = {
          layers: ARCHITECTURES[m.arch],
          hidden: 100,
          loss: m.config.loss,
          lambdaPlus: m.config.lambdaPlus,
          lambdaMinus: m.config.lambdaMinus,
          epochs,
          batchSize: 128,
          learningRate: 0.001,
          seed,
          balance: true,
        };
        const [summary] = await store.runUnits(
          [`train-${m.id}`],
          async () => {
            mkdirSync(m.dir, { recursive: true });
            return trainTabularModel({ spec, train, test, baseline, outDir: m.dir, dataset: 'census' });
          },
          { signal: io.signal },
        );
        trained.push(summary as TabularTrainSummary);
        progress.update(++step);
      }
      const attackData = firstRows(test, attackRows);
      const attacks: Array<{
        cleanAccuracy: number;
        adversarialAccuracy: number;
        maxPerturbation: number;
        relativeChange?: number[];
      }> = [];
      for (const m of models) {
        const [a] = await store.runUnits(
          [`attack-${m.id}`],
          async () => {
            const { model } = await openLayersModel(m.dir);
            try {
              const r = await attackTabular({
                model,
                rows: attackData,
                baseline,
                ...PAPER_PGD,
                samples: attackSamples,
              });
              return {
                cleanAccuracy: r.cleanAccuracy,
                adversarialAccuracy: r.adversarialAccuracy,
                maxPerturbation: r.maxPerturbation,
                relativeChange: r.orderChange?.relativeChange,
              };
            } finally {
              model.dispose();
            }
          },
          { signal: io.signal },
        );
        attacks.push(a);
        progress.update(++step);
      }
      const analysed = await analyzeModels({
        models: models.map((m) => ({ path: m.dir, label: `${m.arch.toUpperCase()} ${m.loss}` })),
        data: { dataset: 'census', split: 'test', baseline: 'mean' },
        samples,
        reward: 'log-odds',
        batchSize: 4096,
        tfjsBackend: flags.tfjsBackend,
        store,
        signal: io.signal,
      });
      progress.update(models.length * 3);
      progress.finish();

      const rows: ReproduceRow[] = models.map((m, k) => {
        const J = analysed.models[k].report.J.J;
        const cut = Math.max(1, Math.round(J.length * 0.3));
        const total = J.reduce((a, b) => a + b, 0);
        const paper = PAPER_ADVERSARIAL_ACCURACY[m.loss]?.[m.arch === 'mlp8' ? 1 : 0];
        return {
          arch: m.arch,
          loss: m.loss,
          configuration: m.config.label,
          cleanAccuracy: attacks[k].cleanAccuracy,
          adversarialAccuracy: attacks[k].adversarialAccuracy,
          paperAdversarialAccuracy: m.arch === 'mlp5' || m.arch === 'mlp8' ? paper : undefined,
          J,
          lowShare: J.slice(0, cut).reduce((a, b) => a + b, 0) / total,
          highShare: J.slice(-cut).reduce((a, b) => a + b, 0) / total,
          nEff: analysed.models[k].report.fit.nEff,
          paperShape: PAPER_SHAPE[m.loss] ?? '',
        };
      });
      const table = formatTable(rows, {
        protocol,
        epochs,
        trainRows: train.rows,
        samples,
        attackRows: attackData.rows,
      });
      writeFileAtomic(join(outDir, 'table.md'), table);
      writeJsonAtomic(join(outDir, 'reproduce.json'), {
        schema: 'orderlens/reproduce-census@1',
        options,
        configurations: Object.fromEntries(losses.map((loss, k) => [loss, configs[k]])),
        pgd: PAPER_PGD,
        rows,
        training: trained.map((t) => ({
          spec: t.spec,
          trainAccuracy: t.trainAccuracy,
          testAccuracy: t.testAccuracy,
          wallTimeMs: t.wallTimeMs,
        })),
        attacks,
      });
      const paths = await writeStrengthOutputs(outDir, analysed.models, {
        data: analysed.data,
        baseline: 'mean',
        title: 'Census MLPs trained with order losses: J(m) over order',
      });
      io.stdout(table);
      for (const m of analysed.models) io.stdout(`${strengthSummary(m)}\n`);
      io.stdout(`wrote ${join(outDir, 'table.md')}, ${join(outDir, 'reproduce.json')}, ${paths.png}\n`);
    });
}

/** The reproduction table in Markdown. */
export function formatTable(
  rows: readonly ReproduceRow[],
  setup: {
    protocol: CensusProtocol;
    epochs: number;
    trainRows: number;
    samples: number;
    attackRows: number;
  },
): string {
  const pct = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(2));
  const protocolLine =
    setup.protocol === 'table2'
      ? "Protocol table2: each model type trained with the paper's Table-2 configuration (appendix C.2.3; high-order as Section 3.4)."
      : "Protocol presets: MATH.md presets with λ1 = λ2 = 1; these are NOT the configurations behind the paper's Table 2, so the paper column is only indicative.";
  const lines = [
    `Census (UCI Adult, Learn recipe), ${setup.trainRows} training rows, ${setup.epochs} epochs; PGD L∞ ε=${PAPER_PGD.eps}, ${PAPER_PGD.steps} steps of ${PAPER_PGD.stepSize} on ${setup.attackRows} test rows; exact J(m) over ${setup.samples} samples.`,
    protocolLine,
    '',
    '| model | type | order losses (λ1, λ2) | clean acc % | adv acc % | paper adv acc % (Table 2) | J(m), m = 0…10 (mean 1) | low 30% share | high 30% share | n′ | paper J(m) shape |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.arch.toUpperCase()} | ${r.loss} | ${r.configuration} | ${pct(100 * r.cleanAccuracy)} | ${pct(100 * r.adversarialAccuracy)} | ${pct(r.paperAdversarialAccuracy)} | ${r.J.map((v) => v.toFixed(2)).join(' ')} | ${r.lowShare.toFixed(3)} | ${r.highShare.toFixed(3)} | ${r.nEff} | ${r.paperShape} |`,
    ),
    '',
    'Paper ordering of adversarial accuracy: low > normal > mid > high.',
    '',
  ];
  return lines.join('\n');
}
