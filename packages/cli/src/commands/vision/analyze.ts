import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  fitEffectiveN,
  float32Tensor,
  parseRewardName,
  resultMeta,
  theoryStrength,
  writeJsonAtomic,
  type Game,
  type InteractionResult,
  type ModelRunner,
  ModelGame,
} from '@orderlens/core';
import {
  FeatureMapMasker,
  PatchGrid,
  buildBaseline,
  byteMeanToModel,
  cutModelAt,
  datasetChannelMean,
  datasetImage,
  heatmapPanels,
  orderBand,
  parseBaseline,
  patchGame,
  patchStrength,
  resolvePreprocessing,
  resolveProtocol,
  runVisionProtocol,
  type ProtocolSampleResult,
  selectCorrectSamples,
  toModelInput,
  type ImageShape,
  type VisionProtocolResult,
} from '@orderlens/vision';
import { InterruptedError } from '../../util/errors.js';
import { ioOf } from '../../util/io.js';
import { parseFloatList, parseInteger, parseSeed } from '../../util/options.js';
import { strengthPlot, writeFileAtomic, writePlot } from '../../util/plots.js';
import { progressFor } from '../../util/progress.js';
import { RunStore } from '@orderlens/core';
import { parseGrid } from '../game/sample.js';
import { DATASET_HELP, loadVisionData, type VisionDataFlags } from './data.js';
import { visionCommandGroup } from './groups.js';
import { checkInputShape, openVisionModel, type PreprocessFlags } from './model.js';

interface AnalyzeFlags extends VisionDataFlags, PreprocessFlags {
  model: string;
  out: string;
  protocol: string;
  grid?: string;
  vitPatch?: string;
  featureMap?: string | boolean;
  pairs?: string;
  radius?: string;
  contexts?: string;
  ratios?: string;
  repeats?: string;
  perClass?: string;
  samples?: string;
  reward: string;
  baseline: string;
  seed: string;
  batchSize: string;
  heatmaps: string;
  threads?: string;
  resume?: boolean;
}

/** `orderlens analyze vision`: J(m) of an image classifier with a vision protocol. */
export function registerAnalyzeVision(program: Command): void {
  visionCommandGroup(program, 'analyze', 'measure interaction strength over orders of a model')
    .command('vision')
    .description(
      'multi-order interaction strength J(m) of an image classifier over patch (or feature-map) players',
    )
    .requiredOption(
      '--model <file>',
      'image classifier: .onnx, tfjs model.json (preprocessing from meta.json beside it), or nsfwjs[:mobilenet_v2]',
    )
    .option('--meta <file>', 'model meta.json (input name/shape, normalisation, classes, cutTensor)')
    .option('--dataset <spec>', DATASET_HELP)
    .option('--images <dir>', 'folder with one subfolder of images per class (instead of --dataset)')
    .option('--resize <WxH>', 'with --images: resize every image to WxH')
    .option('--limit <k>', 'consider only the first k images when choosing samples')
    .option('--mean <v|v,v,v>', 'normalisation mean (in units of pixel·scale), overrides meta.json')
    .option('--std <v|v,v,v>', 'normalisation std, overrides meta.json')
    .option('--scale <s>', 'pixel multiplier before normalisation (default 1/255)')
    .option('--layout <NCHW|NHWC>', 'model input layout')
    .option('--channel-order <RGB|BGR>', 'colour channel order the model expects')
    .option(
      '--protocol <name>',
      'reference (ICLR 2022: 200 pairs r≤2, 100 contexts each), fast (shared contexts, 32) or lite (reference estimator, 10 contexts; the cheapest measured route to instability < 0.05)',
      'lite',
    )
    .option('--grid <side|RxC>', "patch grid (default the protocol's 16×16)")
    .option('--vit-patch <p>', 'grid aligned to a ViT patch size p (image/p × image/p players)')
    .option(
      '--feature-map [tensor]',
      'mask cells of an intermediate feature map (baseline 0); default tensor from meta.json cutTensor',
    )
    .option('--pairs <k>', 'pairs per sample (protocol default)')
    .option('--radius <r>', 'Chebyshev radius of neighbour pairs (protocol default)')
    .option('--contexts <k>', 'contexts per pair and order (protocol default)')
    .option('--ratios <list>', 'order ratios, e.g. 0,0.1,0.5,1 (default the 13 paper ratios)')
    .option('--repeats <q>', 'repeats with fresh contexts to measure the instability (1 skips it)')
    .option('--per-class <k>', 'correctly classified samples per class (protocol default 5)')
    .option('--samples <k>', 'at most this many samples in total')
    .option('--reward <name>', 'log-odds | logit | log-prob | prob', 'log-odds')
    .option(
      '--baseline <spec>',
      'absent patches: mean (dataset mean), zero, blur[:sigma], value:v[,v,v]',
      'mean',
    )
    .option('--seed <s>', 'seed of every random choice', '0')
    .option('--batch-size <k>', 'images per model call', '256')
    .option('--heatmaps <k>', 'PNG heat maps (low vs high order) for the first k samples', '3')
    .option('--threads <k>', 'ONNX Runtime intra-op threads')
    .requiredOption(
      '--out <dir>',
      'output folder: result.json, strength.svg/png, heatmap-*.png; finished samples are kept in <out>/run/',
    )
    .option('--resume', 'continue an interrupted run in --out (same options), skipping its finished samples')
    .action(async (flags: AnalyzeFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const out = resolve(flags.out);
      const threads =
        flags.threads !== undefined ? parseInteger(flags.threads, '--threads', { min: 1 }) : undefined;
      const model = await openVisionModel(flags.model, flags, { threads });
      try {
        const { dataset, source } = await loadVisionData(flags, model.shape?.channels, model.classes);
        checkInputShape(model, dataset);
        const shape: ImageShape = model.shape ?? {
          channels: dataset.channels,
          height: dataset.height,
          width: dataset.width,
          layout: model.preprocess.layout ?? 'NCHW',
        };
        const overrides = {
          pairs: opt(flags.pairs, '--pairs'),
          radius: opt(flags.radius, '--radius'),
          contexts: opt(flags.contexts, '--contexts'),
          repeats: opt(flags.repeats, '--repeats'),
          perClass: opt(flags.perClass, '--per-class'),
          ratios:
            flags.ratios !== undefined
              ? parseFloatList(flags.ratios, '--ratios', { min: 0, max: 1 })
              : undefined,
        };
        const protocol = resolveProtocol(flags.protocol, overrides);
        const reward = parseRewardName(flags.reward, '--reward');
        const baselineSpec = parseBaseline(flags.baseline, '--baseline');
        const batchSize = parseInteger(flags.batchSize, '--batch-size', { min: 1 });
        const seed = parseSeed(flags.seed);
        const featureTensor =
          flags.featureMap === undefined
            ? undefined
            : flags.featureMap === true
              ? model.cutTensor
              : flags.featureMap;
        if (flags.featureMap !== undefined && !featureTensor)
          throw new OrderlensInputError(
            '--feature-map',
            'name the tensor (the model has no meta.json cutTensor)',
          );
        if (flags.vitPatch !== undefined && flags.grid !== undefined)
          throw new OrderlensInputError('--vit-patch', 'give either --grid or --vit-patch');
        let rows: number;
        let cols: number;
        if (flags.vitPatch !== undefined) {
          const g = PatchGrid.forVit(
            parseInteger(flags.vitPatch, '--vit-patch', { min: 1 }),
            shape.height,
            shape.width,
          );
          rows = g.rows;
          cols = g.cols;
        } else {
          ({ rows, cols } =
            flags.grid !== undefined ? parseGrid(flags.grid) : { rows: protocol.grid, cols: protocol.grid });
        }
        const maxSamples =
          flags.samples !== undefined ? parseInteger(flags.samples, '--samples', { min: 1 }) : Infinity;
        const heatmapCount = parseInteger(flags.heatmaps, '--heatmaps', { min: 0 });
        // One unit per sample; only options that change the numbers are fingerprinted, so a
        // resume may change --batch-size, --threads or --heatmaps but nothing else.
        const store = openVisionRun(out, flags.resume === true, {
          model: { file: model.file, sha256: modelFingerprint(model.file) },
          meta: model.metaFile,
          inputName: model.inputName,
          preprocess: model.preprocess,
          classes: model.classes,
          data: {
            dataset: flags.images === undefined ? (flags.dataset ?? 'cifar10') : undefined,
            images: flags.images !== undefined ? resolve(flags.images) : undefined,
            resize: flags.resize,
            limit: flags.limit,
          },
          protocol,
          grid: { rows, cols },
          players: featureTensor !== undefined ? `feature map ${featureTensor}` : 'image patches',
          baseline: featureTensor !== undefined ? 'zero' : baselineSpec,
          reward,
          seed,
          samples: Number.isFinite(maxSamples) ? maxSamples : 'all',
        });
        const pre = resolvePreprocessing(model.preprocess, dataset.channels);
        const datasetMean = byteMeanToModel(datasetChannelMean(dataset), pre);

        const sel = await selectCorrectSamples({
          runner: model.runner,
          dataset,
          preprocess: model.preprocess,
          inputName: model.inputName,
          perClass: protocol.perClass,
          batchSize,
        });
        const indices = sel.indices.slice(0, maxSamples);
        if (indices.length === 0)
          throw new OrderlensInputError('--dataset', 'the model classifies none of the images correctly');

        const cut = featureTensor ? await cutModelAt(model.runner, featureTensor) : undefined;
        const imageGrid = new PatchGrid(rows, cols, shape.height, shape.width);
        const owner = imageGrid.playerOfElement(shape);
        const progress = progressFor(cmd, { label: `analyze vision (${protocol.name})`, unit: 'contexts' });
        const unitOf = (s: number) => `sample-${s}`;
        if (store.resumedUnits > 0)
          progress.log(
            `resuming: ${indices.filter((_, s) => store.has(unitOf(s))).length} of ${indices.length} samples already done in ${store.dir}`,
          );
        const game = async (s: number): Promise<Game> => {
          const k = indices[s];
          const x = toModelInput(datasetImage(dataset, k), model.preprocess);
          const label = dataset.labels[k];
          if (cut) {
            const masker = await FeatureMapMasker.create({
              cut,
              inputs: { [model.inputName]: float32Tensor(x, batchDimsOf(shape)) },
              grid: { rows, cols },
            });
            return new ModelGame(masker, cut.suffix as ModelRunner, {
              reward: { name: reward, label },
              batchSize,
              cacheLimit: 250_000,
              signal: io.signal,
            });
          }
          const baseline = buildBaseline(baselineSpec, x, shape, datasetMean);
          return patchGame({
            runner: model.runner,
            x,
            baseline,
            shape,
            grid: imageGrid,
            label,
            reward,
            batchSize,
            playerOfElement: owner,
            inputName: model.inputName,
            // The Evaluator checks it between model batches: Ctrl-C stops within one batch.
            signal: io.signal,
          });
        };
        let res: VisionProtocolResult;
        try {
          res = await runVisionProtocol({
            protocol,
            samples: indices.length,
            game,
            rows,
            cols,
            seed,
            signal: io.signal,
            completed: (s) => {
              const unit = store.get<VisionSampleUnit>(unitOf(s));
              if (unit === undefined) return undefined;
              if (unit.index !== indices[s])
                throw new OrderlensInputError(
                  '--resume',
                  `sample ${s} of the run in ${store.dir} is image ${unit.index}, but the model now selects image ${indices[s]}; rerun without --resume into another --out`,
                );
              return {
                multiOrder: unit.multiOrder,
                strengthByRepeat: unit.strengthByRepeat,
                modelCalls: unit.modelCalls,
              };
            },
            onSample: (s, r) => {
              const unit: VisionSampleUnit = { index: indices[s], label: dataset.labels[indices[s]], ...r };
              store.put(unitOf(s), unit);
              progress.log(
                `sample ${s + 1}/${indices.length} done (image ${indices[s]}, ${r.modelCalls} model calls); saved in ${store.dir}`,
              );
            },
            onProgress: (p) => {
              const unitsPerSample = p.total * p.repeats;
              progress.update(
                (p.sample - 1) * unitsPerSample + (p.repeat - 1) * p.total + p.done,
                indices.length * unitsPerSample,
              );
            },
          });
        } catch (e) {
          if (io.signal.aborted && (e as Error | undefined)?.name === 'AbortError') {
            const saved = indices.filter((_, s) => store.has(unitOf(s))).length;
            throw new InterruptedError(
              `interrupted: ${saved} of ${indices.length} samples saved in ${store.dir}; run the same command with --resume to continue`,
            );
          }
          throw e;
        } finally {
          if (cut) {
            await cut.prefix.dispose();
            await cut.suffix.dispose();
          }
        }
        progress.finish();
        const n = rows * cols;
        const theory = theoryStrength(n, res.orders);
        const jHat = res.strength.J.map((j) => j / (res.strength.J[0] || 1));
        const fit = res.ratios.length >= 2 ? fitEffectiveN(res.ratios, jHat) : undefined;
        const meanTheory = theory.reduce((a, b) => a + b, 0) / theory.length;
        const plot = await strengthPlot({
          curves: [
            {
              label: `J(m), ${indices.length} samples (${protocol.name})`,
              ratios: res.ratios,
              J: res.strength.J,
            },
          ],
          // F̂ at the true n spans tens of decades once n is in the hundreds and would flatten
          // the measured curve, so it is drawn only for small n; the fitted n′ is always drawn,
          // at its own orders k/(n′−2).
          theory: [
            ...(n <= 40
              ? [
                  {
                    label: `theory F̂(m), n = ${n} (mean 1)`,
                    ratios: res.ratios,
                    values: theory.map((v) => v / meanTheory),
                  },
                ]
              : []),
            ...(fit
              ? [
                  (() => {
                    const ks = Array.from({ length: Math.max(1, fit.nEff - 1) }, (_, k) => k);
                    return {
                      label: `theory F̂ at fitted n′ = ${fit.nEff} (mean 1)`,
                      ratios: ks.map((k) => (fit.nEff > 2 ? k / (fit.nEff - 2) : 0)),
                      values: normMean(theoryStrength(fit.nEff, ks)),
                    };
                  })(),
                ]
              : []),
          ],
          title: `Interaction strength over orders — ${model.file.split('/').pop()}`,
          yLabel: 'J(m) (mean over orders = 1)',
        });
        const plots = writePlot(join(out, 'strength'), plot);
        const heatmaps = await writeHeatmaps(out, res, indices, dataset, heatmapCount, shape);
        const result: InteractionResult = {
          ...resultMeta({
            method: 'vision-protocol',
            n,
            seed,
            reward,
            modelCalls: res.modelCalls,
            wallTimeMs: res.wallTimeMs,
            details: {
              command: 'analyze vision',
              model: model.file,
              meta: model.metaFile,
              data: source,
              protocol: res.protocol,
              grid: { rows, cols },
              players: cut ? `feature map ${featureTensor}` : 'image patches',
              baseline: cut ? 'zero (feature map)' : flags.baseline,
              selection: {
                perClass: protocol.perClass,
                accuracy: sel.accuracy,
                classified: sel.classified,
                indices,
              },
              instability: res.instability,
              run: { dir: store.dir, resumedSamples: store.resumedUnits },
              strengthPerSampleMean: res.strengthPerSample,
              theory: {
                n,
                orders: res.orders,
                values: theory,
                ...(fit ? { effectiveN: fit.nEff, effectiveCurve: fit.curve } : {}),
              },
              samples: res.samples.map((s, t) => ({
                index: indices[t],
                label: dataset.labels[indices[t]],
                modelCalls: s.modelCalls,
                strengthByRepeat: s.strengthByRepeat,
                multiOrder: s.multiOrder,
              })),
              outputs: { ...plots, heatmaps },
            },
          }),
          strength: res.strength,
          multiOrder: res.samples[0].multiOrder,
        };
        writeJsonAtomic(join(out, 'result.json'), result);
        // Written last: marks the run as finished, so a later run without --resume may replace it.
        writeJsonAtomic(join(store.dir, COMPLETE_FILE), {
          optionsHash: store.manifest.optionsHash,
          samples: indices.length,
          finishedAt: new Date().toISOString(),
        });
        io.stdout(
          `analyze vision: ${indices.length} samples, n = ${n} (${rows}×${cols}${cut ? ` cells of ${featureTensor}` : ' patches'}), protocol ${protocol.name}, ` +
            `${res.modelCalls} model calls, instability ${res.instability === null ? 'n/a' : res.instability.toFixed(4)}; wrote ${join(out, 'result.json')}\n`,
        );
        io.stdout(
          `J(m) by ratio: ${res.ratios.map((r, k) => `${r}:${res.strength.J[k].toFixed(3)}`).join(' ')}\n`,
        );
      } finally {
        await model.runner.dispose();
      }
    });
}

/** One finished sample in the run store: the image it is and its protocol result. */
interface VisionSampleUnit extends ProtocolSampleResult {
  readonly index: number;
  readonly label: number;
}

/** Marker of a finished run in `<out>/run/`. */
const COMPLETE_FILE = 'complete.json';

/**
 * The run store of `analyze vision` in `<out>/run/`. A finished run (its marker written after
 * result.json) is replaced by a new run without --resume, as training replaces a finished
 * checkpoint; an unfinished one is refused unless resumed, so no computed sample is lost.
 */
function openVisionRun(out: string, resume: boolean, options: Record<string, unknown>): RunStore {
  const dir = join(out, 'run');
  if (!resume && existsSync(join(dir, COMPLETE_FILE))) {
    // Rename first, so a crash half-way through the removal never leaves a half run behind.
    const old = `${dir}.old-${process.pid}`;
    renameSync(dir, old);
    rmSync(old, { recursive: true, force: true });
  }
  const store = RunStore.open({ dir, command: 'analyze vision', options, resume, dirField: '--out' });
  rmSync(join(dir, COMPLETE_FILE), { force: true });
  return store;
}

/** sha256 of the model file (and, for a tfjs model.json, of its weight files). */
function modelFingerprint(file: string): string {
  const h = createHash('sha256').update(readFileSync(file));
  if (file.toLowerCase().endsWith('.json')) {
    let paths: string[] = [];
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as {
        weightsManifest?: Array<{ paths?: string[] }>;
      };
      paths = (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);
    } catch {
      // Not a tfjs model.json: the file's own bytes are the fingerprint.
    }
    for (const p of paths) {
      const w = join(dirname(file), p);
      if (existsSync(w)) h.update(readFileSync(w));
    }
  }
  return h.digest('hex');
}

function opt(raw: string | undefined, field: string): number | undefined {
  return raw === undefined ? undefined : parseInteger(raw, field, { min: 1 });
}

function normMean(xs: number[]): number[] {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.map((x) => x / (m || 1));
}

function batchDimsOf(shape: ImageShape): number[] {
  return shape.layout === 'NCHW'
    ? [1, shape.channels, shape.height, shape.width]
    : [1, shape.height, shape.width, shape.channels];
}

/** Writes `heatmap-<k>.png`: the image, low-order strength (r ≤ 0.1) and high-order strength (r ≥ 0.7) per patch. */
async function writeHeatmaps(
  out: string,
  res: VisionProtocolResult,
  indices: number[],
  dataset: Parameters<typeof datasetImage>[0],
  count: number,
  shape: ImageShape,
): Promise<string[]> {
  const paths: string[] = [];
  const grid = new PatchGrid(res.rows, res.cols, shape.height, shape.width);
  for (let s = 0; s < Math.min(count, res.samples.length); s++) {
    const mo = res.samples[s].multiOrder;
    const low = patchStrength(mo, res.n, orderBand(mo, res.n, 'low'));
    const high = patchStrength(mo, res.n, orderBand(mo, res.n, 'high'));
    const png = await heatmapPanels(datasetImage(dataset, indices[s]), grid, [low, high]);
    const path = join(out, `heatmap-${s}.png`);
    writeFileAtomic(path, png);
    paths.push(path);
  }
  return paths;
}
