import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NSFWJS_CLASSES, materializeNsfwjs } from '@orderlens/runtime-tfjs';

describe('nsfwjs pretrained weights (shipped in the npm package)', () => {
  it('writes a tfjs layers model that outputs logits, with weights matching the manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderlens-nsfwjs-'));
    const files = materializeNsfwjs(dir, 'mobilenet_v2');
    const json = JSON.parse(readFileSync(files.modelJson, 'utf8'));
    const layers = json.modelTopology.model_config.config.layers;
    expect(layers[0].config.batch_input_shape).toEqual([null, 224, 224, 3]);
    expect(layers[layers.length - 1].config.activation).toBe('linear');
    expect(layers[layers.length - 1].config.units).toBe(NSFWJS_CLASSES.length);
    // Bytes on disk = what the manifest promises (uint8-quantised weights).
    let bytes = 0;
    for (const g of json.weightsManifest) {
      for (const w of g.weights)
        bytes +=
          w.shape.reduce((a: number, b: number) => a * b, 1) *
          (w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : 4);
    }
    const onDisk = json.weightsManifest
      .flatMap((g: { paths: string[] }) => g.paths)
      .reduce((a: number, p: string) => a + statSync(join(dir, p)).size, 0);
    expect(onDisk).toBe(bytes);
    const meta = JSON.parse(readFileSync(files.meta, 'utf8'));
    expect(meta.classes).toEqual([...NSFWJS_CLASSES]);
    expect(meta.input.layout).toBe('NHWC');
  });
});
