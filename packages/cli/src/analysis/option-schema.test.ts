import { describe, expect, it } from 'vitest';
import type { Command, Option } from 'commander';
import {
  ANALYSIS_SETTINGS,
  adapters,
  parseAdapterOptions,
  type AnalysisSettingKey,
  type SettingsBlock,
} from '@orderlens/core';
import { buildProgram, runCli } from '../program.js';
import { loadPlugins } from '../util/plugins.js';
import { analysisFlag } from './analysis-flags.js';
import { adapterOptionValues } from './analysis-options.js';
import { RUN_OPTIONS, parseRunOptions } from './run-options.js';
import { flagOfPath } from '../util/errors.js';
import { blockFlag, parseBlockFlags } from '../util/option-schema.js';
import { parseTrainingOptions } from '../commands/training-options.js';
import { TABULAR_TRAINING_OPTIONS } from '../commands/tabular/train.js';
import { VISION_TRAINING_OPTIONS } from '../commands/vision/train.js';
import {
  CHECKPOINT_RUN_OPTIONS,
  checkpointRunSettings,
} from '../commands/dynamics/checkpoint-run-options.js';
import { NETWORK_STUDY_OPTIONS } from '../commands/reproduce/run-network-study.js';

/** The `analyze <modality>` commands as the CLI builds them, with every installed adapter. */
async function analyzeCommands(): Promise<Map<string, Command>> {
  const program = buildProgram(
    { stdout: () => undefined, stderr: () => undefined } as never,
    await loadPlugins(),
  );
  const analyze = program.commands.find((c) => c.name() === 'analyze')!;
  return new Map(analyze.commands.map((c) => [c.name(), c]));
}

const longOf = (o: Option) => o.long ?? '';

describe('options derived from one schema', () => {
  it('each adapter option in `analyze <modality> --help` is its schema field: flag, text and default', async () => {
    const commands = await analyzeCommands();
    expect(adapters.list().length).toBeGreaterThanOrEqual(4);
    for (const adapter of adapters.list()) {
      const cmd = commands.get(adapter.name)!;
      const block = adapter.options;
      // The schema's own defaults: what a run gets when the flag is left out.
      const defaults = parseAdapterOptions(block, {});
      for (const key of Object.keys(block.schema.shape)) {
        const d = block.descriptors.find((x) => x.key === key)!;
        const flag = d.flag.split(' ')[0];
        const opt = cmd.options.find((o) => longOf(o) === flag);
        expect(opt, `${adapter.name} ${flag}`).toBeDefined();
        // An option shared with the analysis settings (--max-players) carries the settings' help.
        if (ANALYSIS_SETTINGS.descriptors.some((s) => analysisFlag(s.key as AnalysisSettingKey) === flag))
          continue;
        expect(opt!.flags, `${adapter.name} ${key}`).toBe(d.flag);
        // The help says the schema's text, then the default the schema applies, and no other.
        const text = block.schema.shape[key].description!;
        const schemaDefault = defaults[key];
        expect(opt!.description, `${adapter.name} ${flag}: help vs the schema's text and default`).toBe(
          schemaDefault === undefined ? text : `${text} (default ${String(schemaDefault)})`,
        );
      }
    }
  });

  it('each analysis setting in `analyze <modality> --help` is its schema field', async () => {
    const commands = await analyzeCommands();
    for (const cmd of commands.values())
      for (const d of ANALYSIS_SETTINGS.descriptors) {
        if (d.key === 'estimatorOptions') continue;
        const flag = analysisFlag(d.key as AnalysisSettingKey);
        const opt = cmd.options.find((o) => longOf(o) === flag);
        expect(opt, `${cmd.name()} ${flag}`).toBeDefined();
        expect(opt!.flags).toBe(d.argument ? `${flag} ${d.argument}` : flag);
        expect(opt!.description.startsWith(d.description), `${cmd.name()} ${flag}`).toBe(true);
      }
  });

  it('a bad value is refused before any work, naming the flag the user typed', async () => {
    const base = ['--model', 'no-such-model.onnx', '--out', 'no-such-dir'];
    const cases: Array<[string[], RegExp]> = [
      [
        ['analyze', 'pointcloud', ...base, '--regions', '1'],
        /^error: --regions: expected at least 2, got 1\n/,
      ],
      [
        ['analyze', 'text', ...base, '--sentence', 'a b', '--arcs-top', 'x'],
        /^error: --arcs-top: expected an integer, got "x"\n/,
      ],
      [
        ['analyze', 'text', ...base, '--sentence', 'a b', '--words', 'many'],
        /^error: --words: expected an integer ≥ 2 or "all", got "many"\n/,
      ],
      [
        ['analyze', 'vision', ...base, '--heatmaps', '-1'],
        /^error: --heatmaps: expected at least 0, got -1\n/,
      ],
      [
        ['analyze', 'tabular', ...base, '--contexts', '0'],
        /^error: --contexts: expected an integer ≥ 1, got "0"\n/,
      ],
      [
        ['analyze', 'tabular', ...base, '--ratios', '0,2'],
        /^error: --ratios\[1\]: expected a number ≥ 0 and ≤ 1, got "2"\n/,
      ],
      [
        ['analyze', 'tabular', ...base, '--per-class', '1.5'],
        /^error: --per-class: expected an integer ≥ 1, got "1.5"\n/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(argv);
      expect(r.stderr, argv.join(' ')).toMatch(message);
      expect(r.code).toBe(2);
    }
  });

  // `--no-normalization` (vision) sets its key `noNormalization`; `--no-normalize` (pointcloud)
  // turns off its key `normalize`, whose schema default is on.
  it('reads a --no- switch into its schema key either way', async () => {
    const commands = await analyzeCommands();
    const values = (modality: string, argv: string[]) => {
      const cmd = commands.get(modality)!;
      cmd.setOptionValue('normalize', undefined).setOptionValue('normalization', undefined);
      cmd.parseOptions(argv);
      return adapterOptionValues(cmd, adapters.get(modality).options, cmd.opts());
    };
    expect(values('pointcloud', []).normalize).toBe(true);
    expect(values('pointcloud', ['--no-normalize']).normalize).toBe(false);
    expect(values('vision', []).noNormalization).toBeUndefined();
    expect(values('vision', ['--no-normalization']).noNormalization).toBe(true);
  });

  it('each run option in `analyze <modality> --help` is its schema field, its default the one parsed', async () => {
    const commands = await analyzeCommands();
    const defaults = parseRunOptions({}) as Record<string, unknown>;
    expect(defaults).toMatchObject({ reward: 'log-odds', seed: 0, device: 'auto', batchSize: 256 });
    for (const cmd of commands.values())
      for (const d of RUN_OPTIONS.descriptors) {
        const opt = cmd.options.find((o) => longOf(o) === flagOfPath(d.key))!;
        expect(opt.flags, `${cmd.name()} ${d.key}`).toBe(
          `${flagOfPath(d.key)}${d.argument ? ` ${d.argument}` : ''}`,
        );
        expect(opt.description).toBe(d.description);
        // commander hands the default text to the parser, which reads it as the schema does.
        expect(opt.defaultValue, `${cmd.name()} ${d.key}`).toBe(
          d.default === undefined ? undefined : String(d.default),
        );
        if (d.default !== undefined)
          expect(parseRunOptions({ [d.key]: opt.defaultValue })).toEqual(parseRunOptions({}));
      }
    expect(() => parseRunOptions({ batchSize: '0' })).toThrow(
      /^--batch-size: expected an integer ≥ 1, got "0"$/,
    );
    expect(() => parseRunOptions({ reward: 'gain' })).toThrow(/^--reward: /);
  });
});

/** The command at `path` (`['train', 'tabular']`) as the CLI builds it. */
async function commandAt(path: readonly string[]): Promise<Command> {
  let cmd: Command = buildProgram(
    { stdout: () => undefined, stderr: () => undefined } as never,
    await loadPlugins(),
  );
  for (const name of path) cmd = cmd.commands.find((c) => c.name() === name)!;
  return cmd;
}

describe("the CLI's own option blocks", () => {
  // Each command, the block it derives flags from, and the fields it registers.
  const cases: Array<[string[], SettingsBlock<unknown>, readonly string[]]> = [
    [['train', 'tabular'], TABULAR_TRAINING_OPTIONS, TABULAR_TRAINING_OPTIONS.descriptors.map((d) => d.key)],
    [
      ['train', 'vision'],
      VISION_TRAINING_OPTIONS,
      VISION_TRAINING_OPTIONS.descriptors
        .map((d) => d.key)
        .filter((k) => !['optimizer', 'momentum'].includes(k)),
    ],
    [['dynamics'], CHECKPOINT_RUN_OPTIONS, CHECKPOINT_RUN_OPTIONS.descriptors.map((d) => d.key)],
    [['mislabeled'], CHECKPOINT_RUN_OPTIONS, CHECKPOINT_RUN_OPTIONS.descriptors.map((d) => d.key)],
    [['reproduce', 'two-phase'], CHECKPOINT_RUN_OPTIONS, ['device', 'batchSize', 'resume']],
    [['reproduce', 'bottleneck'], NETWORK_STUDY_OPTIONS, NETWORK_STUDY_OPTIONS.descriptors.map((d) => d.key)],
    [
      ['reproduce', 'and-or-sparsity'],
      NETWORK_STUDY_OPTIONS,
      NETWORK_STUDY_OPTIONS.descriptors.map((d) => d.key),
    ],
  ];

  it('each field in --help is its schema field: flag, text, and the default the schema parses', async () => {
    for (const [path, block, keys] of cases) {
      const cmd = await commandAt(path);
      const defaults = parseBlockFlags(block, {}) as Record<string, unknown>;
      for (const key of keys) {
        const d = block.descriptors.find((x) => x.key === key)!;
        const where = `${path.join(' ')} ${key}`;
        const opt = cmd.options.find((o) => longOf(o) === flagOfPath(key));
        expect(opt, where).toBeDefined();
        expect(opt!.flags, where).toBe(blockFlag(d));
        // A command may add words after the schema's text (mislabeled's reward), never change it.
        expect(opt!.description.startsWith(d.description), where).toBe(true);
        // commander's default is the schema's default text, which reads as the schema's default.
        expect(opt!.defaultValue, where).toBe(d.default === undefined ? undefined : String(d.default));
        if (d.default !== undefined)
          expect(parseBlockFlags(block, { [key]: opt!.defaultValue }), where).toEqual(defaults);
      }
    }
  });

  it('train tabular and train vision name every shared training flag alike', async () => {
    const tabular = await commandAt(['train', 'tabular']);
    const vision = await commandAt(['train', 'vision']);
    for (const d of VISION_TRAINING_OPTIONS.descriptors) {
      if (d.key === 'optimizer' || d.key === 'momentum') continue;
      const flag = flagOfPath(d.key);
      const t = tabular.options.find((o) => longOf(o) === flag)!;
      const v = vision.options.find((o) => longOf(o) === flag)!;
      expect(v.flags, flag).toBe(t.flags);
    }
  });

  it('reads the training flags by the schema, errors naming the flag', () => {
    const o = parseTrainingOptions(TABULAR_TRAINING_OPTIONS, {});
    expect(o).toMatchObject({ epochs: 20, batchSize: 128, learningRate: 0.001, optimizer: 'adam', seed: 0 });
    expect(o.orderLoss.spec).toBe('normal');
    expect(parseTrainingOptions(TABULAR_TRAINING_OPTIONS, { optimizer: 'sgd' })).toMatchObject({
      learningRate: 0.01,
      momentum: 0.9,
    });
    expect(parseTrainingOptions(VISION_TRAINING_OPTIONS, {})).toMatchObject({
      epochs: 10,
      learningRate: 0.002,
    });
    expect(() => parseTrainingOptions(TABULAR_TRAINING_OPTIONS, { epochs: '0' })).toThrow(
      /^--epochs: expected an integer ≥ 1, got "0"$/,
    );
    expect(() => parseTrainingOptions(TABULAR_TRAINING_OPTIONS, { tfjsBackend: 'cpu,gpu' })).toThrow(
      /^--tfjs-backend\[1\]: unknown tfjs backend "gpu"/,
    );
    expect(() => parseTrainingOptions(TABULAR_TRAINING_OPTIONS, { orderLoss: 'plus:1' })).toThrow(
      /^--order-loss: /,
    );
    expect(() => parseTrainingOptions(TABULAR_TRAINING_OPTIONS, { momentum: '0.5' })).toThrow(
      /^--momentum: applies to --optimizer sgd only/,
    );
    expect(() => checkpointRunSettings({ preset: 'paper' })).toThrow(
      /^--preset: expected one of orderlens, authors, got "paper"$/,
    );
  });
});
