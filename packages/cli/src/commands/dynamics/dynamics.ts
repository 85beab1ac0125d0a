import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  OrderlensInputError,
  adapters,
  flagName,
  optionField,
  probeWritableDir,
  settingsBlock,
  type ModalityAdapter,
  type SelectionSpec,
} from '@orderlens/core';
import { readCheckpointFolder } from '@orderlens/runtime-tfjs';
import { ioOf } from '../../util/io.js';
import { addBlockOptions, integerFlag, numberFlag, parseBlockFlags } from '../../util/option-schema.js';
import {
  CHECKPOINT_EXTRACTION_KEYS,
  addCheckpointRunOptions,
  checkpointRunSettings,
} from './checkpoint-run-options.js';
import { adapterOptionValues } from '../../analysis/analysis-options.js';
import {
  finishDynamicsRunStore,
  openDynamicsRunStore,
  planDynamicsRun,
  runDynamicsToFolder,
} from './run-dynamics.js';

interface DynamicsFlags extends Record<string, unknown> {
  checkpoints: string;
  modality: string;
  out: string;
  samples: string;
  perClass?: string;
  allSamples?: boolean;
  lr?: string;
  shiftEmpty?: boolean;
  curves: string;
}

/**
 * The flags of `dynamics` beside the checkpoint-run block: which samples, the AND-OR learning
 * rate, the figure. One schema; `--help` and the parsing are derived from it.
 */
export const DYNAMICS_OPTIONS = settingsBlock({
  samples: optionField(
    integerFlag({ min: 1 })
      .prefault('10')
      .describe('samples, chosen once by the last checkpoint and used at every checkpoint'),
    { argument: '<k>' },
  ),
  perClass: optionField(integerFlag({ min: 1 }).optional().describe('at most this many samples per class'), {
    argument: '<k>',
  }),
  lr: optionField(
    numberFlag({ greaterThan: 0 }).optional().describe("AND-OR learning rate (default: the preset's)"),
    {
      argument: '<rate>',
    },
  ),
  curves: optionField(
    integerFlag({ min: 1, max: 12 }).prefault('5').describe('epochs drawn in the distribution figure'),
    { argument: '<k>' },
  ),
});

/**
 * Every installed adapter's options, once per flag: the modality is an option's value, so its
 * flags cannot be known before parsing. Choices are left to the adapter's own parser (two
 * adapters may share a flag with different choices); flags of other modalities are refused.
 */
export function addAllAdapterOptions(cmd: Command): void {
  for (const adapter of adapters.list())
    for (const d of adapter.options.descriptors) {
      if (cmd.options.some((o) => o.long === flagName(d))) continue;
      const opt = new Option(d.flag, `${d.description} (${adapter.name})`);
      if (d.type === 'strings')
        opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
      cmd.addOption(opt);
    }
}

export function refuseOtherModalities(
  cmd: Command,
  adapter: ModalityAdapter,
  flags: Record<string, unknown>,
): void {
  const own = new Set(adapter.options.descriptors.map(flagName));
  for (const other of adapters.list())
    for (const d of other.options.descriptors) {
      const name = flagName(d);
      if (own.has(name)) continue;
      const opt = cmd.options.find((o) => o.long === name);
      if (!opt) continue;
      const v = flags[opt.attributeName()];
      const given = name.startsWith('--no-') ? v === false : v !== undefined;
      if (given)
        throw new OrderlensInputError(name, `applies to --modality ${other.name}, not ${adapter.name}`);
    }
}

/** `orderlens dynamics`: two-phase dynamics of interactions over a model's training checkpoints. */
export function registerDynamics(program: Command): void {
  const cmd = program
    .command('dynamics')
    .description(
      'two-phase dynamics over training checkpoints: per-order salient AND-OR strength, J(m), fitted σ², loss gap',
    )
    .requiredOption(
      '--checkpoints <folder>',
      'checkpoints of one model: index.json from `train tabular --save-epochs`, or epoch-<e>/ folders (model.json | model.onnx) or epoch-<e>.onnx files',
    )
    .requiredOption(
      '--modality <name>',
      `how inputs become players: ${adapters.names().join(', ') || '(none installed)'}`,
    )
    .requiredOption(
      '--out <dir>',
      'output folder: dynamics.json (orderlens/dynamics@1), distribution, paradigms, loss-gap, sigma2 (.svg and .png)',
    );
  addBlockOptions(cmd, DYNAMICS_OPTIONS, { keys: ['samples', 'perClass'] });
  cmd.option('--all-samples', 'take samples whether or not the last checkpoint classifies them correctly');
  addCheckpointRunOptions(cmd, CHECKPOINT_EXTRACTION_KEYS);
  addBlockOptions(cmd, DYNAMICS_OPTIONS, { keys: ['lr'] });
  cmd
    .option('--shift-empty', "extract from v − v(∅) (the authors' 0-v0; default: authors yes, orderlens no)")
    .option('--no-shift-empty', 'extract from v itself');
  addBlockOptions(cmd, DYNAMICS_OPTIONS, { keys: ['curves'] });
  addCheckpointRunOptions(cmd);
  addAllAdapterOptions(cmd);
  cmd.action(async (flags: DynamicsFlags, command: Command) => {
    const io = ioOf(command);
    // Everything is checked before the first model is opened or the first file written.
    const adapter = adapters.get(flags.modality, '--modality');
    refuseOtherModalities(command, adapter, flags);
    const adapterOptions = adapterOptionValues(command, adapter.options, flags);
    const folder = readCheckpointFolder(flags.checkpoints);
    const { reward, device, batchSize, threads, preset, niter, qthres, budget, dryRun, resume } =
      checkpointRunSettings(flags);
    const { lr, curves, samples, perClass } = parseBlockFlags(DYNAMICS_OPTIONS, {
      lr: flags.lr,
      curves: flags.curves,
      samples: flags.samples,
      perClass: flags.perClass,
    });
    const selection: SelectionSpec = {
      ...adapter.defaultSelection,
      samples,
      ...(flags.allSamples ? { rule: 'all' as const } : {}),
      ...(perClass !== undefined ? { perClass } : {}),
    };
    // A dry run writes nothing, so it neither creates nor probes --out.
    const out = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
    const andOr = {
      preset,
      niter,
      ...(qthres !== undefined ? { qthres } : {}),
      ...(lr !== undefined ? { lr } : {}),
      ...(flags.shiftEmpty !== undefined ? { shiftEmpty: flags.shiftEmpty } : {}),
    };
    // What the plan and the run both take.
    const job = {
      command,
      adapter,
      adapterOptions,
      folder,
      field: '--checkpoints',
      selection,
      reward,
      andOr,
      device,
      threads,
      batchSize,
      out,
    };
    await planDynamicsRun({
      ...job,
      budget,
      dryRun,
      resume: resume === true,
    });
    if (dryRun) return;
    // One unit per checkpoint in <out>/run/; a resume must ask for the same numbers.
    const store = openDynamicsRunStore(
      'dynamics',
      out,
      { checkpoints: flags.checkpoints, folder, adapter, adapterOptions },
      {
        selection,
        reward,
        andOr,
        device,
      },
      resume === true,
    );

    const K = folder.length;
    const { result, path } = await runDynamicsToFolder({
      ...job,
      curves,
      store: { run: store },
      options: {
        checkpoints: resolve(flags.checkpoints),
        ...adapterOptions,
        samples: selection.samples,
        preset,
        niter,
        batchSize,
        device,
      },
    });
    finishDynamicsRunStore(store);
    io.stdout(
      `dynamics ${adapter.name}: ${K} checkpoints, ${result.samples.length} samples, n = ${result.n}, ` +
        `${result.modelCalls} model calls; wrote ${path}\n`,
    );
    io.stdout(
      'epoch  loss gap   σ² (fitted)  fit loss  mean order  low/mid/high share of salient strength\n',
    );
    for (const c of result.checkpoints) {
      const d = c.andOr.distribution;
      const third = Math.ceil(d.length / 3);
      const sum = d.reduce((a, b) => a + b, 0) || 1;
      const share = [d.slice(0, third), d.slice(third, 2 * third), d.slice(2 * third)].map(
        (p) => `${((100 * p.reduce((a, b) => a + b, 0)) / sum).toFixed(0)}%`,
      );
      io.stdout(
        `${String(c.epoch).padStart(5)}  ${c.losses.lossGap === null ? '     n/a' : c.losses.lossGap.toFixed(4).padStart(8)}   ` +
          `${c.fit ? c.fit.sigma2.toExponential(2).padStart(10) : '       n/a'}  ${c.fit ? c.fit.loss.toFixed(4).padStart(8) : '     n/a'}  ` +
          `${(d.reduce((a, v, i) => a + (i + 1) * v, 0) / sum).toFixed(2).padStart(10)}  ${share.join(' / ')}\n`,
      );
    }
  });
}
