import {
  requireInput,
  type CoalitionBatch,
  type Masker,
  type NamedTensors,
  type TensorData,
} from '@orderlens/core';
import type { TextInputLayout } from './model-inputs.js';

/** How absence of a word is simulated (`--masking`). */
export type TextMasking = 'token' | 'attention';

/** Options shared by {@link TokenMasker} and {@link AttentionMasker}. */
export interface WordPieceMaskerOptions {
  /** Token ids of the sentence, special tokens included. */
  readonly ids: readonly number[];
  /** `[start, end)` token positions of each player (all its word-pieces). */
  readonly spans: ReadonlyArray<readonly [number, number]>;
  /** Which inputs the model takes. */
  readonly layout: TextInputLayout;
}

function int64(data: BigInt64Array, rows: number, len: number): TensorData {
  return { type: 'int64', data, dims: [rows, len] };
}

/**
 * The common part of the two text maskers: one sentence, players as token spans, and per batch
 * one `input_ids`, one `attention_mask` and (only when the model declares it) one all-zero
 * `token_type_ids` array — allocated once per batch, never per coalition, and not reused across
 * calls because the Evaluator prepares batch k+1 while batch k still runs.
 */
abstract class WordPieceMasker implements Masker {
  readonly n: number;
  /** Tokens per row (the sentence keeps its length under both maskers). */
  readonly length: number;
  protected readonly template: BigInt64Array;
  /** Token positions of player `i`: `positions[offsets[i] … offsets[i+1])`. */
  protected readonly positions: Int32Array;
  protected readonly offsets: Int32Array;
  private readonly layout: TextInputLayout;

  constructor(options: WordPieceMaskerOptions) {
    const { ids, spans } = options;
    const L = ids.length;
    requireInput(L > 0, 'ids', 'the sentence has no tokens');
    requireInput(spans.length > 0, 'players', 'expected at least one player');
    this.n = spans.length;
    this.length = L;
    this.template = BigInt64Array.from(ids, (v) => BigInt(v));
    this.offsets = new Int32Array(this.n + 1);
    const owner = new Int32Array(L).fill(-1);
    spans.forEach(([s, e], i) => {
      requireInput(
        Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s < e && e <= L,
        `players[${i}]`,
        `token span [${s}, ${e}) is not a non-empty range inside the ${L} tokens`,
      );
      for (let t = s; t < e; t++) {
        requireInput(owner[t] < 0, `players[${i}]`, `token ${t} already belongs to player ${owner[t]}`);
        owner[t] = i;
      }
      this.offsets[i + 1] = this.offsets[i] + (e - s);
    });
    this.positions = new Int32Array(this.offsets[this.n]);
    spans.forEach(([s, e], i) => {
      for (let t = s; t < e; t++) this.positions[this.offsets[i] + t - s] = t;
    });
    this.layout = options.layout;
  }

  mask(batch: CoalitionBatch, start: number, end: number): NamedTensors {
    requireInput(batch.n === this.n, 'coalitions', `are over ${batch.n} players, the masker has ${this.n}`);
    const rows = end - start;
    const L = this.length;
    const ids = new BigInt64Array(rows * L);
    const att = new BigInt64Array(rows * L);
    this.fill(batch, start, rows, ids, att);
    const out: Record<string, TensorData> = { input_ids: int64(ids, rows, L) };
    if (this.layout.attentionMask) out.attention_mask = int64(att, rows, L);
    if (this.layout.tokenTypes) out.token_type_ids = int64(new BigInt64Array(rows * L), rows, L);
    return out;
  }

  /**
   * Writes `rows` coalitions from `start` into the (zeroed) `ids` and `att` arrays: every row is
   * the sentence with the attention mask all ones, then each token of an absent word is hidden
   * ({@link hide}).
   */
  private fill(
    batch: CoalitionBatch,
    start: number,
    rows: number,
    ids: BigInt64Array,
    att: BigInt64Array,
  ): void {
    const L = this.length;
    for (let k = 0; k < rows; k++) ids.set(this.template, k * L);
    att.fill(1n);
    this.forAbsent(batch, start, rows, (o, p) => this.hide(ids, att, o + p));
  }

  /** Hides the token at flat position `at` of the `ids` and `att` arrays (how is the subclass's). */
  protected abstract hide(ids: BigInt64Array, att: BigInt64Array, at: number): void;

  /** Calls `absent(k, p)` for every token position `p` of every player absent from row `k`. */
  private forAbsent(
    batch: CoalitionBatch,
    start: number,
    rows: number,
    absent: (o: number, p: number) => void,
  ): void {
    const words = batch.words;
    const data = batch.data;
    const { positions, offsets, n, length: L } = this;
    for (let k = 0; k < rows; k++) {
      const base = (start + k) * words;
      const o = k * L;
      for (let i = 0; i < n; i++) {
        if (((data[base + (i >>> 5)] >>> (i & 31)) & 1) !== 0) continue;
        for (let q = offsets[i]; q < offsets[i + 1]; q++) absent(o, positions[q]);
      }
    }
  }
}

/**
 * `[MASK]` replacement (the papers' masking, the default): every word-piece of an absent word is
 * replaced by the baseline token id; special tokens, non-player words and the sequence length
 * stay as they are, and the attention mask is all ones.
 */
export class TokenMasker extends WordPieceMasker {
  /** The baseline token id written at absent word-pieces. */
  readonly baseline: number;
  private readonly baselineBig: bigint;

  constructor(options: WordPieceMaskerOptions & { readonly baseline: number }) {
    super(options);
    requireInput(
      Number.isSafeInteger(options.baseline) && options.baseline >= 0,
      '--baseline-token',
      `expected a token id, got ${options.baseline}`,
    );
    this.baseline = options.baseline;
    this.baselineBig = BigInt(options.baseline);
  }

  protected hide(ids: BigInt64Array, _att: BigInt64Array, at: number): void {
    ids[at] = this.baselineBig;
  }
}

/**
 * Removal through the attention mask: the token ids stay those of the sentence and every
 * word-piece of an absent word gets `attention_mask = 0`, so no other token attends to it. The
 * positions of the remaining tokens do not change (the word is hidden, not cut out). Needs a
 * model that takes `attention_mask`.
 */
export class AttentionMasker extends WordPieceMasker {
  constructor(options: WordPieceMaskerOptions) {
    super(options);
    requireInput(
      options.layout.attentionMask,
      '--masking',
      'attention masking needs a model that takes attention_mask; this one does not (use --masking token)',
    );
  }

  protected hide(_ids: BigInt64Array, att: BigInt64Array, at: number): void {
    att[at] = 0n;
  }
}
