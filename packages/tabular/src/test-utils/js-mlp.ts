import { Rng, type ModelOutput, type ModelRunner, type NamedTensors } from '@orderlens/core';

/**
 * A small ReLU MLP in plain TypeScript, trained here by SGD on real rows: a real, independent
 * model for tabular tests (this package must not import a runtime). Not a mock: its logits come
 * from its trained weights, and interactions arise from its ReLU nonlinearity.
 */
export class JsMlpRunner implements ModelRunner {
  readonly backend = 'js-mlp';
  readonly inputNames: readonly string[];
  calls = 0;

  constructor(
    readonly d: number,
    readonly hidden: number,
    readonly w1: Float64Array,
    readonly b1: Float64Array,
    readonly w2: Float64Array,
    readonly b2: Float64Array,
    inputName = 'x',
  ) {
    this.inputNames = [inputName];
  }

  async run(inputs: NamedTensors): Promise<ModelOutput> {
    const t = inputs[this.inputNames[0]];
    if (!t) throw new Error(`missing input ${this.inputNames[0]}`);
    const width = t.dims[t.dims.length - 1];
    if (width !== this.d) throw new Error(`expected input width ${this.d}, got ${width}`);
    const rows = t.dims[0];
    const x = t.data as Float32Array;
    const out = new Float32Array(rows * 2);
    const h = new Float64Array(this.hidden);
    for (let r = 0; r < rows; r++) {
      this.forward(x, r * this.d, h);
      for (let c = 0; c < 2; c++) {
        let z = this.b2[c];
        for (let k = 0; k < this.hidden; k++) z += this.w2[c * this.hidden + k] * h[k];
        out[r * 2 + c] = z;
      }
    }
    this.calls += rows;
    return { data: out, rows, classes: 2 };
  }

  private forward(x: ArrayLike<number>, off: number, h: Float64Array): void {
    for (let k = 0; k < this.hidden; k++) {
      let z = this.b1[k];
      for (let f = 0; f < this.d; f++) z += this.w1[k * this.d + f] * x[off + f];
      h[k] = z > 0 ? z : 0;
    }
  }

  async dispose(): Promise<void> {}

  /** Trains a `d → hidden → 2` MLP with softmax cross-entropy by plain SGD (deterministic). */
  static train(
    x: Float32Array,
    y: Int32Array,
    d: number,
    opts: { hidden?: number; epochs?: number; lr?: number; seed?: number } = {},
  ): JsMlpRunner {
    const H = opts.hidden ?? 16;
    const rng = Rng.create(opts.seed ?? 1);
    const init = (len: number, fanIn: number) =>
      Float64Array.from({ length: len }, () => rng.normal() * Math.sqrt(2 / fanIn));
    const m = new JsMlpRunner(d, H, init(H * d, d), new Float64Array(H), init(2 * H, H), new Float64Array(2));
    const rows = y.length;
    const lr = opts.lr ?? 0.05;
    const h = new Float64Array(H);
    const gh = new Float64Array(H);
    for (let e = 0; e < (opts.epochs ?? 5); e++) {
      const order = rng.fork('epoch', e).shuffle(Array.from({ length: rows }, (_v, i) => i));
      for (const r of order) {
        m.forward(x, r * d, h);
        const z = [m.b2[0], m.b2[1]];
        for (let c = 0; c < 2; c++) for (let k = 0; k < H; k++) z[c] += m.w2[c * H + k] * h[k];
        const mx = Math.max(z[0], z[1]);
        const p1 = Math.exp(z[1] - mx) / (Math.exp(z[0] - mx) + Math.exp(z[1] - mx));
        // dL/dz_c = p_c − [y = c]
        const g = [1 - p1 - (y[r] === 0 ? 1 : 0), p1 - (y[r] === 1 ? 1 : 0)];
        gh.fill(0);
        for (let c = 0; c < 2; c++) {
          for (let k = 0; k < H; k++) {
            gh[k] += g[c] * m.w2[c * H + k];
            m.w2[c * H + k] -= lr * g[c] * h[k];
          }
          m.b2[c] -= lr * g[c];
        }
        for (let k = 0; k < H; k++) {
          if (h[k] <= 0) continue;
          for (let f = 0; f < d; f++) m.w1[k * d + f] -= lr * gh[k] * x[r * d + f];
          m.b1[k] -= lr * gh[k];
        }
      }
    }
    return m;
  }
}
