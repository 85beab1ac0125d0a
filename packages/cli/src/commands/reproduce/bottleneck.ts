import { join } from 'node:path';
import type { Command } from 'commander';
import { OrderlensInputError, optionField, settingsBlock, writeJsonAtomic } from '@orderlens/core';
import { bottleneckVerdict } from '@orderlens/core/theory';
import {
  BOTTLENECK_NETWORKS,
  BOTTLENECK_SIZES,
  bottleneckStudy,
  type BottleneckSize,
  type VisionSizeOverrides,
} from '@orderlens/core/reproductions';
import { commandGroup } from '../../util/command-group.js';
import { addBlockOptions, choiceFlag, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { writeFileAtomic, strengthPlot, writePlot } from '../../util/plots.js';
import {
  formatBottleneckReport,
  formatBottleneckTable,
  verdictText,
  type BottleneckRow,
} from './bottleneck-report.js';
import { cliAnalysisRendering } from '../../util/analysis-rendering.js';
import {
  addNetworkStudyOptions,
  failedNetworkEntry,
  networkRows,
  networkStudyPlanFlags,
  networkStudySettings,
  refuseFailedNetworks,
  reproductionCommand,
  runNetworkStudy,
  startReproduction,
  type NetworkStudyFlags,
  type NetworkStudySettings,
} from './run-network-study.js';

interface BottleneckFlags extends NetworkStudyFlags {
  size?: string;
  quick?: boolean;
  images?: string;
  pairs?: string;
  contexts?: string;
  samples?: string;
}

/** The run's settings, every flag checked before anything runs. */
export interface BottleneckOptions extends NetworkStudySettings {
  readonly size: BottleneckSize;
  readonly vision: VisionSizeOverrides;
}

/** A count that overrides the size's, `<k>` ≥ 1. */
const sizeOverride = (help: string) =>
  optionField(integerFlag({ min: 1 }).optional().describe(help), { argument: '<k>' });

/**
 * The size flags of `reproduce bottleneck`: one schema, `--help` and the parsing derived from
 * it. `--size` has no default text: `--quick` may stand for it, else it is `hour`.
 */
export const BOTTLENECK_SIZE_OPTIONS = settingsBlock({
  size: optionField(
    choiceFlag(BOTTLENECK_SIZES)
      .optional()
      .describe(
        'quick (CI: 3 images × 4 pairs × 4 contexts on an 8×8 grid; 2 sentences, 4 census rows, exact; the first point cloud over 8 regions), hour (default: 10 images × 50 pairs × 20 contexts on 16×16, 100 sentences/rows, 50 clouds), paper (50 images × 200 pairs × 100 contexts)',
      ),
    { argument: '<name>' },
  ),
  images: sizeOverride('image networks: the first k training images per class (overrides the size)'),
  pairs: sizeOverride('image networks: pairs (i, j) per image (overrides the size)'),
  contexts: sizeOverride('image networks: contexts per pair and order (overrides the size)'),
  samples: sizeOverride('text, point-cloud and tabular networks: samples each (overrides the size)'),
});

/** Parses the flags (each error names its flag). */
export function bottleneckOptions(flags: BottleneckFlags): BottleneckOptions {
  if (flags.quick && flags.size !== undefined && flags.size !== 'quick')
    throw new OrderlensInputError('--quick', `--quick is --size quick; it contradicts --size ${flags.size}`);
  const sized = parseBlockFlags(BOTTLENECK_SIZE_OPTIONS, flags);
  return {
    size: flags.quick ? 'quick' : (sized.size ?? 'hour'),
    ...networkStudySettings(flags, BOTTLENECK_NETWORKS),
    vision: {
      ...(sized.images !== undefined ? { perClass: sized.images } : {}),
      ...(sized.pairs !== undefined ? { pairs: sized.pairs } : {}),
      ...(sized.contexts !== undefined ? { contexts: sized.contexts } : {}),
      ...(sized.samples !== undefined ? { samples: sized.samples } : {}),
    },
  };
}

/** `orderlens reproduce bottleneck`: J(m) of every network, one figure, a verdict each. */
export function registerReproduceBottleneck(program: Command): void {
  const cmd = commandGroup(program, 'reproduce', 'reproduce experiments of the papers')
    .command('bottleneck')
    .description(
      "J(m) of every network of the project (CIFAR AlexNet/VGG-11/ResNet-20/CNN/ViT, Fashion-MNIST CNN, SST-2 BERT/DistilBERT, PointNet/DGCNN, census MLP-5/8) under the papers' protocols; fitted n′, one figure on the ratio axis, a U-shape verdict per network and a report page",
    );
  addBlockOptions(cmd, BOTTLENECK_SIZE_OPTIONS, { keys: ['size'] });
  cmd.option('--quick', 'the same as --size quick');
  addBlockOptions(cmd, BOTTLENECK_SIZE_OPTIONS, { keys: ['images', 'pairs', 'contexts', 'samples'] });
  addNetworkStudyOptions(cmd, 'orderlens-out/reproduce-bottleneck').action(
    async (flags: BottleneckFlags, cmd: Command) => {
      const options = bottleneckOptions(flags);
      const plan = networkStudyPlanFlags(flags);
      const { io, t0, out } = startReproduction(cmd, flags.out, plan.dryRun);
      const ran = await runNetworkStudy(cmd, {
        ...plan,
        ...bottleneckStudy(options.networks, options.root, options.size, options.seed, options.vision),
        fileName: 'bottleneck-study.json',
        out,
        settings: options,
        resume: flags.resume === true,
        rendering: cliAnalysisRendering,
      });
      if (!ran) return; // --dry-run: the plan only
      const { studyOut, failures } = ran;
      const rows: BottleneckRow[] = networkRows(options.networks, studyOut, failures, (network, result) => {
        const a = result.aggregate;
        const verdict = bottleneckVerdict(result.ratios, a.strength.J, {
          values: a.raw,
          ...(a.rawError ? { errors: a.rawError } : {}),
        });
        return { network, status: 'done' as const, result, verdict };
      });
      const done = rows.flatMap((r) => (r.status === 'done' ? [r] : []));
      let figure = 'bottleneck.png';
      if (done.length > 0) {
        const plot = await strengthPlot({
          curves: done.map((r) => ({
            label: `${r.network.id} (n = ${r.result.n})`,
            ratios: r.result.ratios,
            J: r.result.aggregate.strength.J,
          })),
          title: 'J(m) of every network (mean over orders = 1)',
          yLabel: 'J(m), normalised (log scale)',
          logY: true,
        });
        figure = writePlot(join(out, 'bottleneck'), plot).png;
      }
      const wallSeconds = (performance.now() - t0) / 1000;
      const command = reproductionCommand(`orderlens reproduce bottleneck --size ${options.size}`, flags, [
        'images',
        'pairs',
        'contexts',
        'samples',
        'networks',
      ]);
      writeFileAtomic(
        join(out, 'report.md'),
        formatBottleneckReport({
          rows,
          size: options.size,
          seed: options.seed,
          command,
          wallSeconds,
          figure: 'bottleneck.png',
        }),
      );
      writeJsonAtomic(join(out, 'bottleneck.json'), {
        schema: 'orderlens/reproduce-bottleneck@1',
        size: options.size,
        seed: options.seed,
        wallSeconds,
        networks: rows.map((r) =>
          r.status === 'failed'
            ? failedNetworkEntry(r)
            : {
                id: r.network.id,
                modality: r.network.modality,
                status: 'done',
                n: r.result.n,
                samples: r.result.samples.length,
                ratios: r.result.ratios,
                J: r.result.aggregate.strength.J,
                raw: r.result.aggregate.raw,
                rawError: r.result.aggregate.rawError ?? null,
                effectiveN: r.result.aggregate.theory.effectiveN ?? null,
                verdict: { ...r.verdict, text: verdictText(r.verdict) },
                result: join('study', 'models', r.network.id, 'result.json'),
              },
        ),
      });
      io.stdout(formatBottleneckTable(rows));
      io.stdout(
        `wrote ${join(out, 'report.md')}, ${join(out, 'bottleneck.json')}${done.length ? `, ${figure}` : ''}\n`,
      );
      refuseFailedNetworks(rows);
    },
  );
}
