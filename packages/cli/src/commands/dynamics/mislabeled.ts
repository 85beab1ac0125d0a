import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  adapters,
  openModel,
  optionField,
  probeWritableDir,
  settingsBlock,
  writeJsonAtomic,
} from '@orderlens/core';
import { checkpointsAtEpochs } from '@orderlens/core/dynamics';
import {
  mislabeledGroups,
  mislabeledMeasure,
  readRelabelledSamples,
  sampleSalientStrength,
  withTrainedLabels,
  type GroupCheckpoint,
  type MislabeledMeasure,
} from '@orderlens/core/math';
import { dynamicsRunUnits } from '@orderlens/core/dynamics';
import { readCheckpointFolder } from '@orderlens/runtime-tfjs';
import { ioOf } from '../../util/io.js';
import { parseInteger, parseList } from '../../util/options.js';
import { addBlockOptions, integerFlag, parseBlockFlags, parsedText } from '../../util/option-schema.js';
import { linePlot, writePlot } from '../../util/plots.js';
import { adapterOptionValues } from '../../analysis/analysis-options.js';
import { addAllAdapterOptions, refuseOtherModalities } from './dynamics.js';
import {
  CHECKPOINT_EXTRACTION_KEYS,
  addCheckpointRunOptions,
  checkpointRunSettings,
} from './checkpoint-run-options.js';
import {
  finishDynamicsRunStore,
  openDynamicsRunStore,
  planDynamicsRun,
  runDynamicsToFolder,
} from './run-dynamics.js';

/** Schema tag of `mislabeled.json`. */
/** @2: standard errors over samples (`standardError`, `meanOrderGapSE`) in the measure. */
export const MISLABELED_SCHEMA = 'orderlens/mislabeled@2';

interface MislabeledFlags extends Record<string, unknown> {
  checkpoints: string;
  modality: string;
  relabelled: string;
  out: string;
  samples: string;
  epochs?: string;
}

/** `mislabeled.svg/png` (mean order over epochs) and `mislabeled-orders.svg/png` (shares at the last epoch). */
async function writeMislabeledPlots(out: string, m: MislabeledMeasure) {
  const epochs = m.checkpoints.map((c) => c.epoch);
  type Summary = MislabeledMeasure['checkpoints'][number]['clean'];
  const se = (group: (c: MislabeledMeasure['checkpoints'][number]) => Summary) =>
    m.checkpoints.map((c) => group(c).standardError?.meanOrder ?? NaN);
  const bars = m.checkpoints.some((c) => c.clean.standardError !== undefined);
  const meanOrder = await linePlot({
    series: [
      {
        label: 'relabelled training samples',
        x: epochs,
        y: m.checkpoints.map((c) => c.relabelled.meanOrder),
        error: se((c) => c.relabelled),
      },
      {
        label: 'clean training samples',
        x: epochs,
        y: m.checkpoints.map((c) => c.clean.meanOrder),
        error: se((c) => c.clean),
      },
    ],
    title: `Mean order of salient interactions, relabelled vs clean samples${bars ? ' (± 1 s.e. over samples)' : ''}`,
    xLabel: 'epoch',
    yLabel: 'Σ_k k · share of salient strength at order k',
    yDomain: [1, m.n],
  });
  const first = m.checkpoints[0];
  const last = m.checkpoints[m.checkpoints.length - 1];
  const orders = await linePlot({
    series: [
      {
        label: `relabelled, epoch ${last.epoch}`,
        x: m.orders,
        y: last.relabelled.share,
        error: last.relabelled.standardError?.share,
      },
      {
        label: `clean, epoch ${last.epoch}`,
        x: m.orders,
        y: last.clean.share,
        error: last.clean.standardError?.share,
      },
      ...(m.checkpoints.length > 1
        ? [
            {
              label: `relabelled, epoch ${first.epoch}`,
              x: m.orders,
              y: first.relabelled.share,
              dashed: true,
            },
            { label: `clean, epoch ${first.epoch}`, x: m.orders, y: first.clean.share, dashed: true },
          ]
        : []),
    ],
    title: `Salient AND-OR strength over orders, relabelled vs clean samples${bars ? ' (± 1 s.e.)' : ''}`,
    xLabel: 'order k = |S|',
    yLabel: 'share of salient strength',
  });
  return {
    meanOrder: await writePlot(join(out, 'mislabeled'), meanOrder),
    orders: await writePlot(join(out, 'mislabeled-orders'), orders),
  };
}

/**
 * `orderlens mislabeled`: interactions of a network trained with label noise on the training
 * samples whose labels were reset, against clean training samples, over its checkpoints
 * (first-principles paper §3.2, Fig. 5; two-phase paper App. F.1).
 */
/**
 * The flags of `mislabeled` beside the checkpoint-run block: samples per group and the epochs of
 * the series. One schema; `--help` and the parsing are derived from it.
 */
export const MISLABELED_OPTIONS = settingsBlock({
  samples: optionField(
    integerFlag({ min: 1 })
      .prefault('10')
      .describe('samples per group: the first k relabelled and the first k clean candidates'),
    { argument: '<k>' },
  ),
  epochs: optionField(
    parsedText((text, field) => parseList(text, field).map((e) => parseInteger(e, field, { min: 0 })))
      .optional()
      .describe('only these epochs of the series (comma-separated; default all)'),
    { argument: '<list>' },
  ),
});

export function registerMislabeled(program: Command): void {
  const cmd = program
    .command('mislabeled')
    .description(
      'orders of salient AND-OR interactions on relabelled versus clean training samples, over checkpoints of a network trained with label noise (first-principles paper §3.2)',
    )
    .requiredOption('--checkpoints <folder>', 'checkpoints of one model (as for `orderlens dynamics`)')
    .requiredOption(
      '--modality <name>',
      `how inputs become players: ${adapters.names().join(', ') || '(none installed)'}`,
    )
    .requiredOption(
      '--relabelled <file>',
      'orderlens/relabelled-samples@1 JSON: positions of the relabelled candidates in the data the adapter reads, whose labels are the ones trained on',
    )
    .requiredOption(
      '--out <dir>',
      'output folder: mislabeled.json, relabelled/ and clean/ (dynamics.json each), figures',
    );
  addBlockOptions(cmd, MISLABELED_OPTIONS);
  addCheckpointRunOptions(cmd, CHECKPOINT_EXTRACTION_KEYS, { reward: ' (of the label trained on)' });
  addCheckpointRunOptions(cmd);
  addAllAdapterOptions(cmd);
  cmd.action(async (flags: MislabeledFlags, command: Command) => {
    const io = ioOf(command);
    // Everything is checked before the first model is opened or the first file written.
    const adapter = adapters.get(flags.modality, '--modality');
    refuseOtherModalities(command, adapter, flags);
    const adapterOptions = adapterOptionValues(command, adapter.options, flags);
    const file = readRelabelledSamples(resolve(flags.relabelled), '--relabelled');
    const { samples, epochs } = parseBlockFlags(MISLABELED_OPTIONS, {
      samples: flags.samples,
      epochs: flags.epochs,
    });
    const folder = checkpointsAtEpochs(readCheckpointFolder(flags.checkpoints), epochs, '--epochs');
    const { reward, device, batchSize, threads, preset, niter, qthres, budget, dryRun, resume } =
      checkpointRunSettings(flags);
    // A dry run writes nothing, so it neither creates nor probes --out.
    const out = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
    // The groups (positions in the data) need the data's candidate count: from the last
    // checkpoint's session, before the plan and the run store.
    const last = folder[folder.length - 1];
    const model = await openModel({ spec: last.file, device, threads, field: '--checkpoints' });
    let candidates: number;
    try {
      const session = await adapter.open({ options: adapterOptions, model, signal: io.signal });
      candidates = session.candidates;
      await session.dispose?.();
    } finally {
      await model.runner.dispose();
    }
    const groups = mislabeledGroups(file, candidates, samples, '--relabelled');
    const andOr = { preset, niter, ...(qthres !== undefined ? { qthres } : {}) };
    // What a group's plan and run both take.
    const job = (which: 'relabelled' | 'clean') => ({
      command,
      adapterOptions,
      folder,
      field: '--checkpoints',
      selection: { ...adapter.defaultSelection, rule: 'all' as const },
      candidates: groups[which],
      reward,
      andOr,
      device,
      threads,
      batchSize,
    });
    for (const which of ['relabelled', 'clean'] as const)
      await planDynamicsRun({
        ...job(which),
        adapter,
        out,
        budget,
        dryRun,
        resume: resume === true,
        prefix: `${which}-`,
        label: `plan (${which})`,
      });
    if (dryRun) return;
    // One unit per (group, checkpoint) in <out>/run/; a resume must ask for the same numbers.
    const store = openDynamicsRunStore(
      'mislabeled',
      out,
      { checkpoints: flags.checkpoints, folder, adapter, adapterOptions },
      {
        // The file's content, not only its path: the groups come from it.
        relabelled: createHash('sha256')
          .update(readFileSync(resolve(flags.relabelled)))
          .digest('hex'),
        samples,
        reward,
        preset,
        niter,
        qthres: qthres ?? null,
        device,
      },
      resume === true,
    );

    // Explained for the label trained on: the file's where it says (data with the original labels), else the data's.
    const labelled = withTrainedLabels(adapter, file.trainedLabels);
    const runs = {} as Record<'relabelled' | 'clean', Awaited<ReturnType<typeof runDynamicsToFolder>>>;
    for (const which of ['relabelled', 'clean'] as const) {
      io.stderr(`mislabeled: ${which} samples (candidates ${groups[which].join(', ')})\n`);
      runs[which] = await runDynamicsToFolder({
        ...job(which),
        adapter: labelled,
        out: probeWritableDir(join(out, which), '--out'),
        curves: Math.min(5, folder.length),
        store: { run: store, prefix: `${which}-` },
        options: {
          checkpoints: resolve(flags.checkpoints),
          relabelled: resolve(flags.relabelled),
          group: which,
          ...adapterOptions,
          samples,
          preset,
          niter,
          batchSize,
          device,
        },
      });
    }
    // Each sample's salient strength by order, from the stored units: the standard errors over samples.
    const withSamples = (which: 'relabelled' | 'clean') => {
      const units = dynamicsRunUnits(store, `${which}-`);
      const r = runs[which].result;
      return {
        ...r,
        checkpoints: r.checkpoints.map((c): GroupCheckpoint => {
          const unit = units.get(0, c.epoch);
          if (unit === undefined) return c;
          const each = unit.salient.map((s) => sampleSalientStrength(s, unit.n));
          return { ...c, perSample: each.map((e) => e.strength), salientPerSample: each.map((e) => e.count) };
        }),
      };
    };
    const measure = mislabeledMeasure(withSamples('relabelled'), withSamples('clean'), '--relabelled');
    const figures = await writeMislabeledPlots(out, measure);
    const path = join(out, 'mislabeled.json');
    writeJsonAtomic(path, {
      schema: MISLABELED_SCHEMA,
      modality: adapter.name,
      checkpoints: resolve(flags.checkpoints),
      relabelled: resolve(flags.relabelled),
      groups,
      dynamics: { relabelled: runs.relabelled.path, clean: runs.clean.path },
      modelCalls: runs.relabelled.result.modelCalls + runs.clean.result.modelCalls,
      measure,
      outputs: figures,
    });
    finishDynamicsRunStore(store);
    io.stdout(
      `mislabeled ${adapter.name}: ${measure.samples.relabelled} relabelled and ${measure.samples.clean} clean samples, ` +
        `n = ${measure.n}, ${folder.length} checkpoints; wrote ${path}\n` +
        'epoch  mean order relabelled / clean (gap ± s.e.)          share at orders > n/2 relabelled / clean\n',
    );
    const pm = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? ` ± ${v.toFixed(2)}` : '');
    for (const c of measure.checkpoints) {
      const orders =
        `${String(c.epoch).padStart(5)}  ${c.relabelled.meanOrder.toFixed(2)}${pm(c.relabelled.standardError?.meanOrder)} / ` +
        `${c.clean.meanOrder.toFixed(2)}${pm(c.clean.standardError?.meanOrder)} ` +
        `(${c.meanOrderGap >= 0 ? '+' : ''}${c.meanOrderGap.toFixed(2)}${pm(c.meanOrderGapSE)})`;
      io.stdout(
        `${orders.padEnd(59)}${(100 * c.relabelled.highShare).toFixed(0)} % / ${(100 * c.clean.highShare).toFixed(0)} %\n`,
      );
    }
  });
}
