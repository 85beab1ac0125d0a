import { Option, type Command } from 'commander';
import {
  ANALYSIS_SETTINGS,
  OrderlensInputError,
  flagName,
  optionHelp,
  parseAdapterOptions,
  type AnalysisSettingKey,
  type ModalityAdapter,
  type OptionBlock,
  type OptionDescriptor,
} from '@orderlens/core';
import { INTERRUPT_POLICIES, interruptPolicy } from '../util/io.js';
import { analysisFlag } from './analysis-flags.js';
import { flagOfPath } from '../util/errors.js';
import { requireInputPath } from '../util/options.js';
import { RUN_OPTIONS } from './run-options.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Options every analysis takes, defined once (model, run folder, seed, device, estimator). */
export function addAnalysisOptions(
  cmd: Command,
  adapter: ModalityAdapter,
  models: 'repeatable' | 'none' = 'repeatable',
): Command {
  // Every analysis keeps finished samples as units and drops the one under way on Ctrl-C: the
  // line the SIGINT handler prints says so (and not that the sample is being finished).
  cmd.hook('preAction', (_thisCommand, actionCommand) =>
    interruptPolicy(actionCommand, INTERRUPT_POLICIES.dropSample),
  );
  // `transfer` takes its networks as `--models a,b` instead.
  if (models === 'repeatable')
    cmd.requiredOption(
      '--model <spec>',
      'model file or folder (.onnx, tfjs model.json, HF-style folder); repeat to compare models',
      collect,
    );
  cmd
    .requiredOption(
      '--out <dir>',
      'output folder: result.json (orderlens/interaction-result@3), strength.svg/png, pictures; finished samples are kept in <out>/run/',
    )
    .option('--resume', 'continue an interrupted run in --out (same options), skipping its finished samples');
  addSettingsOptions(cmd, adapter);
  // The run options, derived from their schema; commander keeps each default as its text.
  for (const d of RUN_OPTIONS.descriptors) {
    const flag = `${flagOfPath(d.key)}${d.argument ? ` ${d.argument}` : ''}`;
    if (d.default === undefined) cmd.option(flag, d.description);
    else cmd.option(flag, d.description, String(d.default));
  }
  return cmd;
}

/**
 * `--dry-run` of a command that prints its plan before work (`analyze`, the measures, `study
 * run`, `structure`, `dynamics`, the reproductions): the plan, then exit 0, nothing written.
 */
export function addDryRunOption(cmd: Command): Command {
  return cmd.option(
    '--dry-run',
    'print the plan (model calls, and the time measured on a short warm-up of the model) and exit; writes nothing',
  );
}

/**
 * The shared analysis settings' options, derived from core's {@link ANALYSIS_SETTINGS} schema:
 * each named by the CLI's flag table, its help the schema's description (`--protocol` lists the
 * adapter's protocols and defaults to its default one).
 */
export function addSettingsOptions(cmd: Command, adapter: ModalityAdapter): Command {
  const protocols = adapter.protocols.map((p) => `${p.name} (${p.description})`).join('; ');
  for (const d of ANALYSIS_SETTINGS.descriptors) {
    const key = d.key as AnalysisSettingKey;
    const flag = `${analysisFlag(key)}${d.argument ? ` ${d.argument}` : ''}`;
    if (key === 'protocol') cmd.option(flag, `${d.description}: ${protocols}`, adapter.defaultProtocol);
    else cmd.option(flag, optionHelp(d));
  }
  return cmd;
}

/** Registers an adapter's own options from the descriptors derived from its option schema. */
export function addAdapterOptions(cmd: Command, descriptors: readonly OptionDescriptor[]): Command {
  for (const d of descriptors) {
    // An adapter option with a shared flag (e.g. --max-players) reads the shared option's value.
    if (cmd.options.some((o) => o.long === flagName(d))) continue;
    const opt = new Option(d.flag, optionHelp(d));
    if (d.type === 'strings') opt.argParser(collect);
    if (d.choices && d.type === 'string') opt.choices([...d.choices]);
    cmd.addOption(opt);
  }
  return cmd;
}

/**
 * The raw values of an adapter's options from commander's flags, then parsed by its schema. An
 * option the command did not register (measures' split, set per side) is left to its default.
 */
export function adapterOptionValues(
  cmd: Command,
  block: OptionBlock<Record<string, unknown>>,
  flags: Record<string, unknown>,
): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const d of block.descriptors) {
    const opt = cmd.options.find((o) => o.long === flagName(d));
    if (!opt) continue;
    const v = flags[opt.attributeName()];
    if (d.type === 'boolean' && flagName(d).startsWith('--no-')) {
      // `--no-normalization` sets `noNormalization: true`; `--no-normalize` sets `normalize: false`
      // (the key is commander's own attribute, which the flag turns off).
      if (v === false) raw[d.key] = d.key !== opt.attributeName();
    } else if (v !== undefined) raw[d.key] = v;
    // A file or folder option (`--csv <file>`, `--images <dir>`) that names nothing is reported
    // as that option now, before the adapter reads something else first and blames it instead.
    const arg = /<(file|dir)>/.exec(d.flag)?.[1] as 'file' | 'dir' | undefined;
    if (arg !== undefined && typeof v === 'string') requireInputPath(v, flagName(d), arg);
  }
  return parseAdapterOptions(block, raw);
}

/** An option that only some estimators read, refused for the others instead of ignored. */
export function refuseUnused(
  flags: Record<string, unknown>,
  names: Record<string, string>,
  why: string,
): void {
  for (const [key, flag] of Object.entries(names))
    if (flags[key] !== undefined) throw new OrderlensInputError(flag, why);
}
