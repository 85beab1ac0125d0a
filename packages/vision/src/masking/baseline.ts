import { OrderlensInputError, requireInput } from '@orderlens/core';
import { elementIndex, imageSize, type ImageShape } from '../image/raw-image.js';

/**
 * What an absent patch is replaced by, in model space (after normalisation):
 * - `mean`: a per-channel value, by default the dataset mean (MATH.md's image default; 0 after
 *   mean/std normalisation with the dataset's own statistics);
 * - `zero`: 0 in model space;
 * - `blur`: the image itself blurred with a Gaussian of `sigma` pixels (keeps colours, drops detail);
 * - `custom`: a full image of values, or one value per channel.
 */
export type BaselineSpec =
  | { readonly kind: 'mean'; readonly perChannel?: readonly number[] }
  | { readonly kind: 'zero' }
  | { readonly kind: 'blur'; readonly sigma: number }
  | { readonly kind: 'custom'; readonly values: Float32Array | readonly number[] };

/** Names accepted by {@link parseBaseline}. */
export const BASELINE_KINDS = ['mean', 'zero', 'blur', 'custom'] as const;

/** Parses `mean`, `zero`, `blur` / `blur:<sigma>` (default σ = 4 px), or `value:<v>[,<v>…]` (per channel). */
export function parseBaseline(text: string, field = 'baseline'): BaselineSpec {
  const s = text.trim().toLowerCase();
  if (s === 'mean') return { kind: 'mean' };
  if (s === 'zero') return { kind: 'zero' };
  if (s === 'blur') return { kind: 'blur', sigma: 4 };
  if (s.startsWith('blur:')) {
    const sigma = Number(s.slice(5));
    requireInput(Number.isFinite(sigma) && sigma > 0, field, `blur needs a positive sigma, got "${text}"`);
    return { kind: 'blur', sigma };
  }
  if (s.startsWith('value:')) {
    const items = s.slice(6).split(',');
    // Number('') is 0: an empty item must be an error, not a silent zero.
    const vals = items.map((v) => (v.trim() === '' ? NaN : Number(v)));
    requireInput(
      vals.length > 0 && vals.every(Number.isFinite),
      field,
      `value: needs numbers, got "${text}"`,
    );
    return { kind: 'custom', values: vals };
  }
  throw new OrderlensInputError(
    field,
    `unknown baseline "${text}"; expected mean, zero, blur[:sigma] or value:v1[,v2,v3]`,
  );
}

/**
 * The baseline image for input `x` (model space, one image of `shape`).
 * `datasetMean` (model-space, per channel) is needed for `mean` unless the spec carries its own.
 */
export function buildBaseline(
  spec: BaselineSpec,
  x: Float32Array,
  shape: ImageShape,
  datasetMean?: readonly number[],
): Float32Array {
  const size = imageSize(shape);
  requireInput(
    x.length === size,
    'input',
    `expected ${size} values for one ${shape.channels}×${shape.height}×${shape.width} image, got ${x.length}`,
  );
  switch (spec.kind) {
    case 'zero':
      return new Float32Array(size);
    case 'mean': {
      const m = spec.perChannel ?? datasetMean;
      requireInput(
        m !== undefined,
        'baseline',
        'the mean baseline needs the dataset mean per channel (or give perChannel)',
      );
      return fillPerChannel(m, shape, 'baseline');
    }
    case 'custom': {
      const v = spec.values;
      if (v.length === size) return Float32Array.from(v);
      requireInput(
        v.length === shape.channels || v.length === 1,
        'baseline',
        `a custom baseline needs ${size} values (a whole image), ${shape.channels} (one per channel) or 1, got ${v.length}`,
      );
      return fillPerChannel(
        v.length === 1 ? new Array<number>(shape.channels).fill(v[0]) : Array.from(v),
        shape,
        'baseline',
      );
    }
    case 'blur':
      requireInput(
        Number.isFinite(spec.sigma) && spec.sigma > 0,
        'baseline',
        `blur sigma must be positive, got ${spec.sigma}`,
      );
      return gaussianBlur(x, shape, spec.sigma);
  }
}

function fillPerChannel(m: ArrayLike<number>, shape: ImageShape, field: string): Float32Array {
  requireInput(
    m.length === shape.channels,
    field,
    `expected ${shape.channels} per-channel values, got ${m.length}`,
  );
  const out = new Float32Array(imageSize(shape));
  for (let c = 0; c < shape.channels; c++) {
    for (let y = 0; y < shape.height; y++)
      for (let x = 0; x < shape.width; x++) out[elementIndex(shape, c, y, x)] = m[c];
  }
  return out;
}

/**
 * Separable Gaussian blur per channel, kernel radius `ceil(3σ)`, borders reflected
 * (`d c b | a b c d | c b a`), so a constant image stays constant.
 */
export function gaussianBlur(x: Float32Array, shape: ImageShape, sigma: number): Float32Array {
  const R = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * R + 1);
  let sum = 0;
  for (let t = -R; t <= R; t++) sum += k[t + R] = Math.exp((-t * t) / (2 * sigma * sigma));
  for (let t = 0; t < k.length; t++) k[t] /= sum;
  const { height: H, width: W, channels: C } = shape;
  const reflect = (i: number, n: number): number => {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    let j = ((i % period) + period) % period;
    if (j >= n) j = period - j;
    return j;
  };
  const tmp = new Float64Array(H * W);
  const out = new Float32Array(x.length);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        let s = 0;
        for (let t = -R; t <= R; t++) s += k[t + R] * x[elementIndex(shape, c, y, reflect(xx + t, W))];
        tmp[y * W + xx] = s;
      }
    }
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        let s = 0;
        for (let t = -R; t <= R; t++) s += k[t + R] * tmp[reflect(y + t, H) * W + xx];
        out[elementIndex(shape, c, y, xx)] = s;
      }
    }
  }
  return out;
}
