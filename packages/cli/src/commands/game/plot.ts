import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  optionField,
  probeWritableFile,
  settingsBlock,
  type InteractionResult,
  type StrengthNormalization,
} from '@orderlens/core';
import { strengthCurve } from '@orderlens/core/math';
import { fitEffectiveN, theoryStrength } from '@orderlens/core/theory';
import { ioOf } from '../../util/io.js';
import { addBlockOptions, choiceFlag, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { strengthPlot, writePlot, type StrengthPlotCurve, type TheoryCurve } from '../../util/plots.js';
import { readResultFile } from '@orderlens/core';
import { modelNameOfPath } from '../../util/model-name.js';

interface PlotFlags {
  result?: string[];
  out: string;
  label?: string[];
  title?: string;
  normalize?: string;
  theory?: boolean;
  theoryN?: string;
  fitN?: boolean;
  logY?: boolean;
}

/** A strength curve read from a result file, x located at the order ratio m/(n−2). */
export interface ResultCurve {
  readonly label: string;
  readonly n: number;
  readonly orders: number[];
  readonly ratios: number[];
  readonly J: number[];
  readonly normalization: StrengthNormalization;
}

/**
 * The strength curve of a result, normalised as asked: from `strength` when present (a run over
 * several samples stores the curve over all of them there, while its `multiOrder` may hold one
 * sample only), else from `multiOrder` (mean over pairs of |I^(m)| per order). Orders are
 * de-duplicated and sorted; ratios are the stored ones where the result has them.
 */
export function curveFromResult(
  result: InteractionResult,
  label: string,
  normalization: StrengthNormalization,
  field = '--result',
): ResultCurve {
  const n = result.n;
  const storedRatio = new Map<number, number>();
  result.orders.forEach((m, k) => storedRatio.set(m, result.ratios[k]));
  // The run-wide curve: the raw mean over samples of E_pairs |I^(m)| (every estimator writes it).
  const orders = [...result.orders];
  const raw = [...result.aggregate.raw];
  if (orders.length === 0 || raw.length !== orders.length)
    throw new OrderlensInputError(field, `${label}: the result has no strength curve to plot`);
  const byOrder = new Map<number, number>();
  orders.forEach((m, k) => byOrder.set(m, raw[k]));
  const sorted = [...byOrder.keys()].sort((a, b) => a - b);
  if (normalization === 'order-0' && sorted[0] !== 0) {
    throw new OrderlensInputError(
      '--normalize',
      `${label}: order-0 normalisation (needed by --theory) requires order m = 0 in the result`,
    );
  }
  const first = byOrder.get(sorted[0]) as number;
  if (normalization === 'order-0' && !(first > 0)) {
    // Dividing by J(0) = 0 would leave the curve unscaled under a "J(m)/J(0)" axis.
    throw new OrderlensInputError(
      '--normalize',
      `${label}: J(0) = ${first}, so the order-0 normalisation (J(m)/J(0), needed by --theory and --fit-n) is undefined; plot it with --normalize mean or none, without --theory/--fit-n`,
    );
  }
  const curve = strengthCurve([sorted.map((m) => byOrder.get(m) as number)], normalization, sorted);
  return {
    label,
    n,
    orders: sorted,
    ratios: sorted.map((m) => storedRatio.get(m) ?? (n > 2 ? m / (n - 2) : 0)),
    J: curve.J,
    normalization,
  };
}

/**
 * The legend name of a result without `--label`: the game's `name` (game files), else the model's
 * name (its file, or its folder for a generic `model.onnx`), else the file name without `.json` —
 * or, for the `result.json` every analysis writes, the folder holding it (`out/cnn/result.json` →
 * `cnn`), since "result" names nothing.
 */
export function defaultCurveLabel(path: string, result: InteractionResult): string {
  if (result.provenance.name) return result.provenance.name;
  const model = result.provenance.model?.file;
  if (model) return modelNameOfPath(model);
  const stem = basename(path).replace(/\.json$/i, '');
  if (stem !== 'result') return stem;
  const folder = basename(dirname(resolve(path)));
  return folder === '' || folder === '/' ? stem : folder;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * The checked flags of `plot`, one schema; `--help` and the parsing are derived from it. Neither
 * has a default of its own: the normalisation depends on --theory/--fit-n, n on the first result.
 */
export const PLOT_OPTIONS = settingsBlock({
  normalize: optionField(
    choiceFlag(['mean', 'order-0', 'none'] as const)
      .optional()
      .describe(
        'mean (curve averages 1), order-0 (J(m)/J(0)) or none; default order-0 with --theory, else mean',
      ),
    { argument: '<how>' },
  ),
  theoryN: optionField(
    integerFlag({ min: 3 }).optional().describe('number of players of the theory curve (implies --theory)'),
    { argument: '<n>' },
  ),
});

/** `orderlens plot`: strength curves of result files, optionally with the theory curve. */
export function registerPlot(program: Command): void {
  const cmd = program
    .command('plot')
    .description('plot strength curves J(m) of result files (SVG + PNG), optionally with the theory curve F̂')
    .option('--result <file>', 'result JSON (repeat for several curves; at least one)', collect)
    .requiredOption('--out <base>', 'output path without extension: writes <base>.svg and <base>.png')
    .option(
      '--label <text>',
      "curve label, one per --result in order (default: the game's or model's name, else the file name; a result.json by its folder)",
      collect,
      [] as string[],
    )
    .option('--title <text>', 'chart title', 'Interaction strength over orders');
  addBlockOptions(cmd, PLOT_OPTIONS, { keys: ['normalize'] }).option(
    '--theory',
    'add the theory curve F̂(m) = (n−m−1)/((n−1)·sqrt(C(n−2,m))) for n of the first result',
  );
  addBlockOptions(cmd, PLOT_OPTIONS, { keys: ['theoryN'] })
    .option('--fit-n', "add F̂ at the effective n' fitted to the first curve (implies order-0)")
    .option('--log-y', 'logarithmic y axis');
  cmd.action(async (flags: PlotFlags, cmd: Command) => {
    const io = ioOf(cmd);
    const results = flags.result ?? [];
    const labels = flags.label ?? [];
    if (results.length === 0)
      throw new OrderlensInputError('--result', 'give at least one result file (--result r.json)');
    if (labels.length > 0 && labels.length !== results.length) {
      throw new OrderlensInputError(
        '--label',
        `give one --label per --result (${results.length}), got ${labels.length}`,
      );
    }
    const { normalize, theoryN } = parseBlockFlags(PLOT_OPTIONS, {
      normalize: flags.normalize,
      theoryN: flags.theoryN,
    });
    const wantTheory = flags.theory === true || theoryN !== undefined;
    const needsOrder0 = wantTheory || flags.fitN === true;
    const normalization: StrengthNormalization =
      normalize !== undefined ? normalize : needsOrder0 ? 'order-0' : 'mean';
    if (needsOrder0 && normalization !== 'order-0') {
      throw new OrderlensInputError(
        '--normalize',
        `the theory curve is normalised to F̂(0) = 1, so --theory/--fit-n need order-0, got ${normalization}`,
      );
    }
    // Before any result is read or rendered: writePlot drops a .svg/.png suffix the same way.
    probeWritableFile(`${flags.out.replace(/\.(svg|png)$/i, '')}.svg`, '--out');
    const curves: ResultCurve[] = results.map((path, k) => {
      const result = readResultFile(path);
      return curveFromResult(result, labels[k] ?? defaultCurveLabel(path, result), normalization);
    });
    const plotCurves: StrengthPlotCurve[] = curves.map((c) => ({
      label: c.label,
      orders: c.orders,
      ratios: c.ratios,
      J: c.J,
    }));
    const theory: TheoryCurve[] = [];
    if (wantTheory) {
      const n = theoryN ?? curves[0].n;
      if (n < 3)
        throw new OrderlensInputError(
          '--theory-n',
          `the theory curve needs n ≥ 3, the first result has n = ${n}`,
        );
      const orders = denseOrders(n);
      theory.push({
        label: `theory F̂ (n = ${n})`,
        // At the first result's own n, the theory is that curve's: its colour, checked against it.
        ...(theoryN === undefined ? { of: curves[0].label } : {}),
        ratios: orders.map((m) => m / (n - 2)),
        values: theoryStrength(n, orders),
      });
    }
    if (flags.fitN) {
      const first = curves[0];
      if (first.ratios.length < 2)
        throw new OrderlensInputError('--fit-n', 'fitting n′ needs a curve with at least two orders');
      const fit = fitEffectiveN(
        first.ratios,
        first.J.map((v) => Math.max(0, v)),
      );
      const orders = denseOrders(fit.nEff);
      const label = `theory F̂ (fitted n′ = ${fit.nEff})`;
      theory.push({
        label,
        of: first.label,
        ratios: orders.map((m) => m / Math.max(1, fit.nEff - 2)),
        values: theoryStrength(fit.nEff, orders),
      });
    }
    const plot = await strengthPlot({
      curves: plotCurves,
      theory,
      title: flags.title ?? 'Interaction strength over orders',
      yLabel:
        normalization === 'order-0'
          ? 'Ĵ(m) = J(m)/J(0)'
          : normalization === 'mean'
            ? 'J(m) / mean over orders'
            : 'J(m) = E|I^(m)(i,j)|',
      logY: flags.logY === true,
    });
    const paths = writePlot(flags.out, plot);
    io.stdout(
      `plot: ${curves.length} curve(s)${theory.length ? ` + ${theory.length} theory` : ''}; wrote ${paths.svg}, ${paths.png}\n`,
    );
  });
}

/** All orders 0…n−2 for small n, else ~101 evenly spaced ones (the curve is smooth). */
function denseOrders(n: number): number[] {
  if (n - 2 <= 200) return Array.from({ length: n - 1 }, (_, m) => m);
  const set = new Set<number>();
  for (let k = 0; k <= 100; k++) set.add(Math.floor(((n - 2) * k) / 100));
  return [...set].sort((a, b) => a - b);
}
