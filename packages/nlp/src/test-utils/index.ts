import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelOutput, ModelRunner, NamedTensors, OpenedModel } from '@orderlens/core';

/** Repository path of a committed fixture. */
export function fixturePath(...parts: string[]): string {
  return fileURLToPath(new URL(`../../../../fixtures/${parts.join('/')}`, import.meta.url));
}

/** The SST-2 dev split shipped with the package. */
export const DEV_TSV = fileURLToPath(new URL('../../data/sst2/dev.tsv', import.meta.url));
export const BERT_DIR = fixturePath('sst2-bert');
export const DISTILBERT_DIR = fixturePath('sst2-distilbert');

/** Copies the BERT fixture's tokenizer files into `dir`, optionally editing the config. */
export function copyTokenizer(dir: string, edit?: (config: Record<string, unknown>) => void): void {
  copyFileSync(join(BERT_DIR, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const config = JSON.parse(readFileSync(join(BERT_DIR, 'tokenizer_config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  edit?.(config);
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
}

/**
 * A runner that reads token ids like a bag-of-words classifier: logit 1 of a row is
 * `Σ_t w(id_t)·mask_t` with a fixed pseudo-random weight per id, logit 0 is 0; it records every
 * batch it saw.
 */
export class BagOfWordsRunner implements ModelRunner {
  readonly backend = 'test:bow';
  readonly seen: NamedTensors[] = [];
  calls = 0;
  constructor(readonly inputNames: readonly string[] = ['input_ids', 'attention_mask', 'token_type_ids']) {}
  static weight(id: number): number {
    return Math.sin(id * 12.9898) * 0.7;
  }
  async run(inputs: NamedTensors): Promise<ModelOutput> {
    this.calls++;
    this.seen.push(inputs);
    const ids = inputs.input_ids;
    const att = inputs.attention_mask;
    const [rows, L] = ids.dims;
    const data = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let t = 0; t < L; t++) {
        const m = att ? Number(att.data[r * L + t]) : 1;
        s += m * BagOfWordsRunner.weight(Number(ids.data[r * L + t]));
      }
      data[2 * r + 1] = s;
    }
    return { data, rows, classes: 2 };
  }
  async dispose(): Promise<void> {}
}

/** An {@link OpenedModel} around a runner whose companion files live in `dir`. */
export function openedModel(runner: ModelRunner, dir: string): OpenedModel {
  return {
    runner,
    file: join(dir, 'onnx', 'model.onnx'),
    dir,
    format: 'test',
    device: 'cpu',
    sha256: 'test',
    inputs: runner.inputNames.map((name) => ({ name, type: 'int64' })),
  };
}
