import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  parseDevice,
  probeWritableDir,
  readStudyResult,
  writeJsonAtomic,
} from '@orderlens/core';
import { bottleneckVerdict } from '@orderlens/core/theory';
import { globalFlags, interruptPolicy, INTERRUPT_POLICIES, ioOf } from '../../util/io.js';
import { parseChoice, parseInteger, parseList } from '../../util/options.js';
import { writeFileAtomic, strengthPlot, writePlot } from '../../util/plots.js';
import {
  BOTTLENECK_SIZES,
  bottleneckStudy,
  selectNetworks,
  type BottleneckNetwork,
  type BottleneckSize,
  type VisionSizeOverrides,
} from './bottleneck-networks.js';
import {
  formatBottleneckReport,
  formatBottleneckTable,
  verdictText,
  type BottleneckRow,
} from './bottleneck-report.js';
import { cliAnalysisRendering } from '../../util/analysis-rendering.js';
import { addNetworkStudyOptions, networkStudyPlanFlags, runNetworkStudy } from './run-network-study.js';

interface BottleneckFlags {
  size?: string;
  quick?: boolean;
  networks?: string;
  images?: string;
  pairs?: string;
  contexts?: string;
  samples?: string;
  root?: string;
  seed: string;
  device?: string;
  threads?: string;
  out: string;
  resume?: boolean;
  budget?: string;
  dryRun?: boolean;
}

/** The checkout this CLI runs from (src/ and dist/ are both four levels below it). */
export function defaultRepositoryRoot(): string {
  return fileURLToPath(new URL('../../../../../', import.meta.url));
}

/** The run's settings, every flag checked before anything runs. */
export interface BottleneckOptions {
  readonly size: BottleneckSize;
  readonly networks: BottleneckNetwork[];
  readonly root: string;
  readonly seed: number;
  readonly vision: VisionSizeOverrides;
  readonly device?: ReturnType<typeof parseDevice>;
  readonly threads?: number;
}

/** Parses the flags (each error names its flag). */
export function bottleneckOptions(flags: BottleneckFlags): BottleneckOptions {
  if (flags.quick && flags.size !== undefined && flags.size !== 'quick')
    throw new OrderlensInputError('--quick', `--quick is --size quick; it contradicts --size ${flags.size}`);
  const size = flags.quick ? 'quick' : parseChoice(flags.size ?? 'hour', '--size', BOTTLENECK_SIZES);
  return {
    size,
    networks: selectNetworks(
      flags.networks !== undefined ? parseList(flags.networks, '--networks') : undefined,
    ),
    root: resolve(flags.root ?? defaultRepositoryRoot()),
    seed: parseInteger(flags.seed, '--seed', { min: 0 }),
    vision: {
      ...(flags.images !== undefined ? { perClass: parseInteger(flags.images, '--images', { min: 1 }) } : {}),
      ...(flags.pairs !== undefined ? { pairs: parseInteger(flags.pairs, '--pairs', { min: 1 }) } : {}),
      ...(flags.contexts !== undefined
        ? { contexts: parseInteger(flags.contexts, '--contexts', { min: 1 }) }
        : {}),
      ...(flags.samples !== undefined
        ? { samples: parseInteger(flags.samples, '--samples', { min: 1 }) }
        : {}),
    },
    ...(flags.device !== undefined ? { device: parseDevice(flags.device, '--device') } : {}),
    ...(flags.threads !== undefined ? { threads: parseInteger(flags.threads, '--threads', { min: 1 }) } : {}),
  };
}

/** `orderlens reproduce bottleneck`: J(m) of every network, one figure, a verdict each. */
export function registerReproduceBottleneck(program: Command): void {
  const group =
    program.commands.find((c) => c.name() === 'reproduce') ??
    program.command('reproduce').description('reproduce experiments of the papers');
  const cmd = group
    .command('bottleneck')
    .description(
      "J(m) of every network of the project (CIFAR AlexNet/VGG-11/ResNet-20/CNN/ViT, Fashion-MNIST CNN, SST-2 BERT/DistilBERT, PointNet/DGCNN, census MLP-5/8) under the papers' protocols; fitted n′, one figure on the ratio axis, a U-shape verdict per network and a report page",
    )
    .option(
      '--size <name>',
      'quick (CI: 3 images × 4 pairs × 4 contexts on an 8×8 grid; 2 sentences, 4 census rows, exact; the first point cloud over 8 regions), hour (default: 10 images × 50 pairs × 20 contexts on 16×16, 100 sentences/rows, 50 clouds), paper (50 images × 200 pairs × 100 contexts)',
    )
    .option('--quick', 'the same as --size quick')
    .option('--networks <list>', 'measure only these networks (ids as in the report; default all)')
    .option('--images <k>', 'image networks: the first k training images per class (overrides the size)')
    .option('--pairs <k>', 'image networks: pairs (i, j) per image (overrides the size)')
    .option('--contexts <k>', 'image networks: contexts per pair and order (overrides the size)')
    .option('--samples <k>', 'text, point-cloud and tabular networks: samples each (overrides the size)');
  addNetworkStudyOptions(cmd, 'orderlens-out/reproduce-bottleneck').action(
    async (flags: BottleneckFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const { quiet } = globalFlags(cmd);
      interruptPolicy(cmd, INTERRUPT_POLICIES.dropSample);
      const t0 = performance.now();
      const options = bottleneckOptions(flags);
      const plan = networkStudyPlanFlags(flags);
      // A dry run writes nothing, so it neither creates nor probes --out.
      const out = plan.dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
      const { study: studyFile, missing } = bottleneckStudy(
        options.networks,
        options.root,
        options.size,
        options.seed,
        options.vision,
      );
      const ran = await runNetworkStudy({
        ...plan,
        study: studyFile,
        missing,
        fileName: 'bottleneck-study.json',
        out,
        root: options.root,
        resume: flags.resume === true,
        device: options.device,
        threads: options.threads,
        quiet,
        io,
        rendering: cliAnalysisRendering,
      });
      if (!ran) return; // --dry-run: the plan only
      const { studyOut, failures } = ran;
      const rows: BottleneckRow[] = options.networks.map((network) => {
        const result = failures.has(network.id) ? undefined : readStudyResult(studyOut, network.id);
        if (!result)
          return { network, status: 'failed', reason: failures.get(network.id) ?? 'no result was written' };
        const a = result.aggregate;
        const verdict = bottleneckVerdict(result.ratios, a.strength.J, {
          values: a.raw,
          ...(a.rawError ? { errors: a.rawError } : {}),
        });
        return { network, status: 'done', result, verdict };
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
      const extra = (['images', 'pairs', 'contexts', 'samples', 'networks'] as const)
        .filter((k) => flags[k] !== undefined)
        .map((k) => ` --${k} ${flags[k]}`)
        .join('');
      const command = `orderlens reproduce bottleneck --size ${options.size}${extra}`;
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
            ? { id: r.network.id, modality: r.network.modality, status: 'failed', reason: r.reason }
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
      const failed = rows.filter((r) => r.status === 'failed');
      // Named and exit 1: a network that could not be measured is never left out silently.
      if (failed.length)
        throw new Error(
          `${failed.length} of ${rows.length} networks failed: ${failed.map((f) => `${f.network.id} (${f.status === 'failed' ? f.reason : ''})`).join('; ')}; the report lists them`,
        );
    },
  );
}
