import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OrderlensInputError, resolveInside } from '@orderlens/core';

/** What the text adapter reads from a model folder's `config.json` (all optional). */
export interface TextModelConfig {
  /** Longest input the position embeddings allow. */
  readonly maxPositionEmbeddings?: number;
  readonly vocabSize?: number;
  /** Token-type (segment) vocabulary size; BERT has 2, DistilBERT none. */
  readonly typeVocabSize?: number;
  /** Class names by index, when the config names them. */
  readonly labels?: readonly string[];
  readonly modelType?: string;
}

/** Files of a Hugging Face text-model folder the adapter reads. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json'] as const;

/**
 * The Hugging Face folder of a text model: the folder itself when it holds `tokenizer.json`, or,
 * for the HF layout `<folder>/onnx/model.onnx`, the folder above `onnx/`. Anything else is an
 * input error naming `field` (a model folder without a tokenizer).
 */
export function textModelFolder(dir: string, field = '--model'): string {
  if (existsSync(join(dir, 'tokenizer.json'))) return dir;
  // `--model <folder>/onnx/model.onnx` names the file inside the HF layout; its tokenizer sits
  // one level up, which is still the folder the user pointed into.
  if (basename(dir) === 'onnx' && existsSync(join(dirname(dir), 'tokenizer.json'))) return dirname(dir);
  throw new OrderlensInputError(
    field,
    `${dir} has no tokenizer.json; a text model folder holds tokenizer.json, tokenizer_config.json, config.json and onnx/model.onnx (or model.onnx)`,
  );
}

/**
 * The ONNX file of a Hugging Face text-model folder: `onnx/model.onnx`, else `model.onnx`,
 * confined to the folder (a symlink pointing out of it is refused).
 */
export function textModelFile(folder: string, field = '--model'): string {
  for (const rel of ['onnx/model.onnx', 'model.onnx']) {
    const p = resolveInside(folder, rel, field);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  throw new OrderlensInputError(field, `${folder} has neither onnx/model.onnx nor model.onnx`);
}

/** Reads and parses a JSON file of the model folder, confined to it; errors name the file. */
export function readFolderJson(
  folder: string,
  name: string,
  field: string,
): Record<string, unknown> | undefined {
  const p = resolveInside(folder, name, `${field} (${name})`);
  if (!existsSync(p)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new OrderlensInputError(`${field} (${name})`, `${p} is not valid JSON: ${(e as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new OrderlensInputError(`${field} (${name})`, `${p} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** The parts of `config.json` the adapter uses; a folder without one gives `{}`. */
export function readTextModelConfig(folder: string, field = '--model'): TextModelConfig {
  const c = readFolderJson(folder, 'config.json', field);
  if (!c) return {};
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const id2label = c.id2label;
  let labels: string[] | undefined;
  if (id2label && typeof id2label === 'object' && !Array.isArray(id2label)) {
    const entries = Object.entries(id2label as Record<string, unknown>);
    if (entries.every(([k, v]) => /^\d+$/.test(k) && typeof v === 'string')) {
      labels = [];
      for (const [k, v] of entries) labels[Number(k)] = v as string;
    }
  }
  return {
    maxPositionEmbeddings: int(c.max_position_embeddings),
    vocabSize: int(c.vocab_size),
    typeVocabSize: int(c.type_vocab_size),
    labels,
    modelType: typeof c.model_type === 'string' ? c.model_type : undefined,
  };
}
