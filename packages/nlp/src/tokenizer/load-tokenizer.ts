import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { OrderlensInputError, requireInput, resolveInside } from '@orderlens/core';
import { readFolderJson, TOKENIZER_FILES } from './model-folder.js';
import type { TextTokenizer } from './text-tokenizer.js';

/** The part of a transformers.js tokenizer this module calls. */
interface HfTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  get_vocab(): Map<string, number> | Record<string, number>;
  readonly all_special_ids: number[];
  readonly mask_token_id?: number | null;
  readonly pad_token_id?: number | null;
  readonly unk_token_id?: number | null;
}

type HfTokenizerClass = new (tokenizerJSON: unknown, tokenizerConfig: unknown) => HfTokenizer;

/**
 * Loads the Hugging Face tokenizer of a local model folder with `@huggingface/transformers` v4.
 *
 * Nothing is downloaded and nothing outside the folder is read: `tokenizer.json` and
 * `tokenizer_config.json` are resolved with `resolveInside` (so `..` or a symlink pointing out of
 * the folder is refused), read here, and handed to the tokenizer class that
 * `tokenizer_config.json` names — exactly what `AutoTokenizer.from_pretrained` does after it has
 * fetched the same two files, but without its hub and cache machinery, which could otherwise
 * look for files remotely or in a cache. `env.allowRemoteModels` is set to `false` as well, for
 * anything else in the process that uses the library.
 *
 * @param folder - The model folder (see `textModelFolder`).
 * @param field - The option the folder came from, named in errors (default `--model`).
 */
export async function loadTokenizer(folder: string, field = '--model'): Promise<TextTokenizer> {
  const files = TOKENIZER_FILES.map((name) => {
    const path = resolveInside(folder, name, `${field} (${name})`);
    requireInput(
      existsSync(path),
      field,
      `${folder} has no ${name}; a text model folder holds tokenizer.json, tokenizer_config.json, config.json and onnx/model.onnx`,
    );
    return path;
  });
  const tokenizerJson = readFolderJson(folder, 'tokenizer.json', field)!;
  const tokenizerConfig = readFolderJson(folder, 'tokenizer_config.json', field)!;
  refuseEmptyVocabulary(tokenizerJson, `${field} (tokenizer.json)`);
  // Imported here, not at the top: the library loads ONNX Runtime and sharp (~1 s), which a
  // process that only lists adapters or reads results should not pay for.
  const hf = (await import('@huggingface/transformers')) as unknown as Record<string, unknown> & {
    env: { allowRemoteModels: boolean };
    PreTrainedTokenizer: HfTokenizerClass;
  };
  hf.env.allowRemoteModels = false;
  const declared = typeof tokenizerConfig.tokenizer_class === 'string' ? tokenizerConfig.tokenizer_class : '';
  const className = declared.replace(/Fast$/, '') || 'PreTrainedTokenizer';
  const candidate = hf[className];
  // Only a tokenizer class may be picked by a name written in a (stranger's) file.
  const cls: HfTokenizerClass =
    typeof candidate === 'function' &&
    (candidate === hf.PreTrainedTokenizer || candidate.prototype instanceof hf.PreTrainedTokenizer)
      ? (candidate as HfTokenizerClass)
      : hf.PreTrainedTokenizer;
  let tok: HfTokenizer;
  try {
    tok = new cls(tokenizerJson, tokenizerConfig);
  } catch (e) {
    throw new OrderlensInputError(
      `${field} (tokenizer.json)`,
      `the tokenizer could not be built: ${(e as Error).message}`,
    );
  }
  const vocab = tok.get_vocab();
  const entries: Array<[string, number]> =
    vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
  const tokenOfId = new Map<number, string>();
  let vocabSize = 0;
  for (const [t, id] of entries) {
    tokenOfId.set(id, t);
    vocabSize = Math.max(vocabSize, id + 1);
  }
  const maxLen = Number(tokenizerConfig.model_max_length);
  const h = createHash('sha256');
  for (const p of files) h.update(readFileSync(p));
  const id = (v: number | null | undefined) => (typeof v === 'number' && v >= 0 ? v : undefined);
  return {
    folder,
    className: cls === hf.PreTrainedTokenizer ? declared || 'PreTrainedTokenizer' : className,
    // HF writes a huge sentinel (1e30) when the tokenizer has no limit of its own.
    modelMaxLength: Number.isInteger(maxLen) && maxLen > 0 && maxLen < 1e9 ? maxLen : undefined,
    specialIds: new Set(tok.all_special_ids),
    special: { mask: id(tok.mask_token_id), pad: id(tok.pad_token_id), unk: id(tok.unk_token_id) },
    vocabSize,
    encode: (text, addSpecial) => tok.encode(text, { add_special_tokens: addSpecial }),
    tokenOf: (i) => tokenOfId.get(i) ?? `<${i}>`,
    sha256: h.digest('hex'),
  };
}

/**
 * Refuses a `tokenizer.json` whose model has an empty vocabulary (`model.vocab` `{}` or `[]`).
 * The library builds such a tokenizer without complaint, and it turns every word into the
 * unknown token: the added special tokens alone still give it ids, so the vocabulary size does
 * not reveal it.
 */
function refuseEmptyVocabulary(tokenizerJson: Record<string, unknown>, field: string): void {
  const model = tokenizerJson.model as { type?: unknown; vocab?: unknown } | undefined;
  const vocab = model?.vocab;
  if (vocab === undefined || vocab === null || typeof vocab !== 'object') return;
  const entries = Array.isArray(vocab) ? vocab.length : Object.keys(vocab).length;
  requireInput(
    entries > 0,
    field,
    `the ${typeof model?.type === 'string' ? `${model.type} ` : ''}vocabulary (model.vocab) is empty, so every word would become the unknown token`,
  );
}
