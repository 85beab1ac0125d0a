/**
 * What the text adapter needs from a tokenizer, without naming a library: ids of a text with or
 * without the model's special tokens, the special ids, and the vocabulary. The loader wraps a
 * Hugging Face tokenizer in it; tests can supply a small one of their own.
 */
export interface TextTokenizer {
  /** Folder the tokenizer was read from (absolute, symlinks resolved). */
  readonly folder: string;
  /** Tokenizer class as declared in `tokenizer_config.json` (e.g. `BertTokenizer`). */
  readonly className: string;
  /** `model_max_length` of `tokenizer_config.json`, when it declares a finite one. */
  readonly modelMaxLength: number | undefined;
  /** Ids of the special tokens (`[CLS]`, `[SEP]`, `[PAD]`, …). */
  readonly specialIds: ReadonlySet<number>;
  /** Ids of the named special tokens the masking baselines use, where the tokenizer has them. */
  readonly special: { readonly mask?: number; readonly pad?: number; readonly unk?: number };
  /** Number of ids in the vocabulary (added tokens included). */
  readonly vocabSize: number;
  /** Token ids of `text`, with the special tokens the model's template adds when `addSpecial`. */
  encode(text: string, addSpecial: boolean): number[];
  /** The token string of an id (for pictures and reports). */
  tokenOf(id: number): string;
  /** sha256 over the tokenizer files (recorded with the results). */
  readonly sha256: string;
}
