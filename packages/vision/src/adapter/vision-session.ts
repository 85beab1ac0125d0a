import { join } from 'node:path';
import {
  OrderlensInputError,
  float32Tensor,
  inputValueScale,
  writeFileAtomic,
  type AdapterOpenRequest,
  type GraphCut,
  type InteractionResult,
  type ModalitySession,
  type ModelGateway,
  type SamplePlayers,
} from '@orderlens/core';
import { PlayerSubsetMasker } from '@orderlens/core/math';
import { datasetImage, type ImageDataset } from '../data/dataset.js';
import { PatchGrid, parseGridSize } from '../grid/patch-grid.js';
import { heatmapFigure } from '../heatmap/heatmap-image.js';
import { orderBand, patchStrength } from '../heatmap/patch-strength.js';
import { byteMeanToModel, resolvePreprocessing, toModelInput } from '../image/preprocess.js';
import type { ImageShape } from '../image/raw-image.js';
import { buildBaseline, parseBaseline } from '../masking/baseline.js';
import { FeatureMapMasker, cutModelAt } from '../masking/feature-map-masker.js';
import { PatchMasker } from '../masking/patch-masker.js';
import { imageCandidates } from './image-candidates.js';
import { RandomCentralCells } from './random-central-cells.js';
import { modelImageShape, visionModelSpec } from './model-meta.js';
import { loadVisionData, trainingChannelMean } from './vision-data.js';

/**
 * The `mean` baseline in model space, per channel. It must not depend on `--limit` or on which
 * images were loaded (issue 11): a model normalised with a mean (meta.json or `--mean`, the
 * training set's statistics for every fixture) has its mean at 0 in model space — the ICLR-2022
 * code's baseline, which multiplies normalised inputs by a 0/1 mask; a model without one gets
 * the training images' mean ({@link trainingChannelMean}), loaded only when the baseline is `mean`.
 */
async function meanBaseline(
  preprocess: { readonly mean?: number | readonly number[] },
  pre: ReturnType<typeof resolvePreprocessing>,
  needed: boolean,
  training: () => Promise<{ byteMean: number[]; source: string }>,
): Promise<{ values?: number[]; source: string }> {
  if (preprocess.mean !== undefined)
    return { values: pre.mean.map(() => 0), source: "the model's normalisation mean (0 in model space)" };
  if (!needed) return { source: 'unused' };
  const t = await training();
  return { values: byteMeanToModel(t.byteMean, pre), source: t.source };
}

function batchDims(shape: ImageShape, count: number): number[] {
  return shape.layout === 'NCHW'
    ? [count, shape.channels, shape.height, shape.width]
    : [count, shape.height, shape.width, shape.channels];
}

/**
 * Opens the vision modality for one analysis: reads the images, checks them against the model,
 * and builds the players (patch grid, ViT patches, central or feature-map cells) of each sample.
 */
export async function openVisionSession(request: AdapterOpenRequest): Promise<ModalitySession> {
  const o = request.options as {
    dataset?: string;
    images?: string;
    resize?: string;
    limit?: number;
    meta?: string;
    mean?: number[];
    std?: number[];
    scale?: number;
    noNormalization?: boolean;
    layout?: string;
    channelOrder?: string;
    grid?: string;
    central?: number;
    centralRandom?: number;
    centralWindow?: string;
    playersSeed?: number;
    vitPatch?: number;
    featureMap?: string;
    baseline: string;
    heatmaps: number;
  };
  const model = request.model;
  const spec = visionModelSpec(model, { ...o, layout: o.layout?.toUpperCase() });
  const { dataset, source } = await loadVisionData(
    { dataset: o.dataset, images: o.images, resize: o.resize, limit: o.limit },
    spec.shape?.channels,
    spec.classes,
  );
  const shape = modelImageShape(model.file, spec, dataset);
  if (o.vitPatch !== undefined && o.grid !== undefined)
    throw new OrderlensInputError('--vit-patch', 'give either --grid or --vit-patch');
  const { rows, cols } =
    o.vitPatch !== undefined
      ? PatchGrid.forVit(o.vitPatch, shape.height, shape.width)
      : parseGridSize(o.grid ?? '16', '--grid');
  const featureTensor = o.featureMap === 'meta' ? spec.cutTensor : o.featureMap;
  if (o.featureMap === 'meta' && !featureTensor)
    throw new OrderlensInputError('--feature-map', 'name the tensor (the model has no meta.json cutTensor)');
  const baselineSpec = parseBaseline(o.baseline, '--baseline');
  const pre = resolvePreprocessing(spec.preprocess, dataset.channels);
  const mean = await meanBaseline(spec.preprocess, pre, baselineSpec.kind === 'mean', () =>
    trainingChannelMean(
      { dataset: o.dataset, images: o.images, resize: o.resize },
      spec.shape?.channels,
      spec.classes,
    ),
  );
  const datasetMean = mean.values;
  const imageGrid = new PatchGrid(rows, cols, shape.height, shape.width);
  if (o.central !== undefined && o.central > rows * cols)
    throw new OrderlensInputError(
      '--central',
      `the ${rows}×${cols} grid has only ${rows * cols} cells, asked for ${o.central}`,
    );
  if (o.central !== undefined && featureTensor !== undefined)
    throw new OrderlensInputError('--central', 'applies to image patches, not to --feature-map cells');
  const cells = o.central !== undefined ? centralCells(rows, cols, o.central) : undefined;
  if (o.centralRandom !== undefined && o.central !== undefined)
    throw new OrderlensInputError('--central-random', 'give either --central or --central-random');
  if (o.centralWindow !== undefined && o.centralRandom === undefined)
    throw new OrderlensInputError('--central-window', 'applies with --central-random only');
  // Checked here, before any image is read: the window fits and holds k cells.
  const randomCells =
    o.centralRandom !== undefined
      ? new RandomCentralCells({
          gridRows: rows,
          gridCols: cols,
          k: o.centralRandom,
          window: o.centralWindow,
          seed: o.playersSeed ?? 0,
        })
      : undefined;
  const owner = imageGrid.playerOfElement(shape);
  const cut: GraphCut | undefined = featureTensor ? await cutModelAt(model.runner, featureTensor) : undefined;
  const size = shape.channels * shape.height * shape.width;

  /** Players of one model-input image (unmasked values `x`): patches, central cells or feature-map cells. */
  const playersOf = async (k: number, x: Float32Array, gateway: ModelGateway): Promise<SamplePlayers> => {
    if (cut) {
      // The prefix runs once for this image, through the gateway like every other model call.
      const masker = await FeatureMapMasker.create({
        cut: {
          tensorName: cut.tensorName,
          prefix: gateway.wrapFeature(cut.prefix, 'feature-map-prefix'),
          suffix: cut.suffix,
        },
        inputs: { [spec.inputName]: float32Tensor(x, batchDims(shape, 1)) },
        grid: { rows, cols },
      });
      const map = {
        kind: 'feature-map' as const,
        rows,
        cols,
        tensor: featureTensor!,
        height: shape.height,
        width: shape.width,
      };
      if (randomCells) {
        const drawn = randomCells.cellsOf(k);
        return {
          descriptor: { ...map, n: drawn.length, cells: drawn },
          masker: new PlayerSubsetMasker(masker, drawn),
          runner: cut.suffix,
        };
      }
      return { descriptor: { ...map, n: rows * cols }, masker, runner: cut.suffix };
    }
    const baseline = buildBaseline(baselineSpec, x, shape, datasetMean);
    const masker = new PatchMasker({
      x,
      baseline,
      shape,
      grid: imageGrid,
      inputName: spec.inputName,
      playerOfElement: owner,
    });
    const grid = { kind: 'grid' as const, rows, cols, height: shape.height, width: shape.width };
    const chosen = randomCells ? randomCells.cellsOf(k) : cells;
    if (chosen)
      return {
        descriptor: { ...grid, n: chosen.length, cells: chosen },
        masker: new PlayerSubsetMasker(masker, chosen),
      };
    return { descriptor: { ...grid, n: rows * cols }, masker };
  };

  const candidates = imageCandidates(dataset, spec.preprocess, spec.inputName);
  return {
    data: source,
    ...candidates,
    // δ is in normalised pixel units: record the pixels' spread after normalisation.
    noiseScale: () => inputValueScale(candidates, { inputName: spec.inputName }),
    async players(k: number, gateway: ModelGateway): Promise<SamplePlayers> {
      return playersOf(k, toModelInput(datasetImage(dataset, k), spec.preprocess), gateway);
    },
    // The noise is added to the image in model-input space (after normalisation), before
    // masking; absent patches take the baseline (the dataset mean by default, noise-free).
    async perturbedPlayers(k, perturb, gateway): Promise<SamplePlayers> {
      const x = Float32Array.from(toModelInput(datasetImage(dataset, k), spec.preprocess));
      perturb(x);
      return playersOf(k, x, gateway);
    },
    details: {
      model: {
        meta: spec.metaFile ?? null,
        inputName: spec.inputName,
        normalization: spec.normalizationSource,
      },
      preprocess: spec.preprocess,
      classes: spec.classes ?? null,
      grid: { rows, cols },
      players:
        featureTensor !== undefined
          ? `feature map ${featureTensor}` + (randomCells ? `: ${randomCells.describe()}` : '')
          : randomCells
            ? randomCells.describe()
            : cells
              ? `central cells ${cells.join(',')} (the others always present)`
              : 'image patches',
      baseline:
        featureTensor !== undefined
          ? 'zero (feature map)'
          : baselineSpec.kind === 'mean'
            ? { ...baselineSpec, modelSpace: mean.values, source: mean.source }
            : baselineSpec,
      imageSize: size,
    },
    writePictures: (result, outDir) => writeHeatmaps(result, outDir, dataset, o.heatmaps),
    async dispose() {
      if (cut) {
        await cut.prefix.dispose();
        await cut.suffix.dispose();
      }
    },
  };
}

/**
 * The `k` cells of a `rows × cols` grid whose centres are nearest the grid's centre (ties by cell
 * index), in cell order: the papers' central players.
 */
export function centralCells(rows: number, cols: number, k: number): number[] {
  const cy = rows / 2;
  const cx = cols / 2;
  return Array.from({ length: rows * cols }, (_, c) => c)
    .map((c) => ({ c, d: (Math.floor(c / cols) + 0.5 - cy) ** 2 + ((c % cols) + 0.5 - cx) ** 2 }))
    .sort((a, b) => a.d - b.d || a.c - b.c)
    .slice(0, k)
    .map((e) => e.c)
    .sort((a, b) => a - b);
}

/** `heatmap-<s>.png`: the image, low-order (r ≤ 0.1) and high-order (r ≥ 0.7) strength per patch. */
async function writeHeatmaps(
  result: InteractionResult,
  outDir: string,
  dataset: ImageDataset,
  count: number,
): Promise<Record<string, string[]>> {
  const paths: string[] = [];
  for (const [s, sample] of result.samples.slice(0, count).entries()) {
    const p = sample.players;
    const mo = sample.multiOrder;
    if ((p.kind !== 'grid' && p.kind !== 'feature-map') || !mo) continue;
    const grid = new PatchGrid(p.rows, p.cols, dataset.height, dataset.width);
    // Central players: their strengths go to their cells, the always-present cells stay empty.
    const onGrid = (v: Float64Array) => {
      if (!p.cells) return v;
      const all = new Float64Array(p.rows * p.cols).fill(NaN);
      p.cells.forEach((c, t) => (all[c] = v[t]));
      return all;
    };
    const low = onGrid(patchStrength(mo, p.n, orderBand(mo, p.n, 'low')));
    const high = onGrid(patchStrength(mo, p.n, orderBand(mo, p.n, 'high')));
    const png = await heatmapFigure(datasetImage(dataset, sample.index), grid, [low, high], {
      title: `${sample.id} (class ${dataset.classNames[sample.label] ?? sample.label}): interaction strength per patch`,
      panelNames: ['low orders, m/(n−2) ≤ 0.1', 'high orders, m/(n−2) ≥ 0.7'],
      valueLabel: 'mean |I(i,j)| of pairs with the patch',
    });
    const path = join(outDir, `heatmap-${s}.png`);
    writeFileAtomic(path, png);
    paths.push(path);
  }
  return paths.length ? { heatmaps: paths } : {};
}
