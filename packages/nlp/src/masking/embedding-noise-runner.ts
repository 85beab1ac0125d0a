import {
  requireInput,
  type ModelOutput,
  type ModelRunner,
  type NamedTensors,
  type NoisyEmbeddingModel,
} from '@orderlens/core';

/**
 * The runner of one noisy copy `x + ε` of a sentence (noise sensitivity on text, MATH.md "Noise
 * sensitivity"): `x` is the sequence of the sentence's word embeddings and `ε` one draw of
 * `N(0, δ²I)` over all of them (`[tokens, width]`). A masked input keeps `ε` at every position that
 * still holds the sentence's own token and gets none where the masker put the baseline token, so
 * `x_S` is `(x + ε)_S` as for images and tables: absent words are the unperturbed baseline.
 * With attention masking every position keeps its token and its noise; absent ones are not read.
 */
export class EmbeddingNoiseRunner implements ModelRunner {
  readonly backend: string;
  readonly inputNames: readonly string[];

  constructor(
    private readonly model: NoisyEmbeddingModel,
    /** The sentence's token ids (special tokens included), as the masker's template. */
    private readonly ids: readonly number[],
    /** `ε`, `ids.length × model.width` row-major. */
    private readonly noise: Float32Array,
  ) {
    requireInput(
      noise.length === ids.length * model.width,
      'noise',
      `expected ${ids.length} × ${model.width} values, got ${noise.length}`,
    );
    this.backend = model.runner.backend;
    this.inputNames = model.runner.inputNames.filter((n) => n !== model.noiseInput);
  }

  run(inputs: NamedTensors): Promise<ModelOutput> {
    const t = inputs.input_ids;
    requireInput(t !== undefined && t.dims.length === 2, 'input_ids', 'expected [batch, tokens] token ids');
    const [rows, len] = t.dims;
    const L = this.ids.length;
    requireInput(len === L, 'input_ids', `expected the sentence's ${L} tokens, got ${len}`);
    const w = this.model.width;
    const data = new Float32Array(rows * L * w);
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < L; i++)
        if (Number(t.data[r * L + i]) === this.ids[i])
          data.set(this.noise.subarray(i * w, (i + 1) * w), (r * L + i) * w);
    return this.model.runner.run({
      ...inputs,
      [this.model.noiseInput]: { type: 'float32', data, dims: [rows, L, w] },
    });
  }

  /** The noisy model belongs to the session that built it, which disposes it once. */
  async dispose(): Promise<void> {}
}
