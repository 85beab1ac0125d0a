import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bottleneckStudy, selectNetworks } from './index.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

type Model = Record<string, unknown> & { id: string; options: Record<string, unknown> };
const models = (s: ReturnType<typeof bottleneckStudy>) => s.study.models as Model[];

describe('bottleneckStudy', () => {
  it('uses the ICLR-2022 image conventions on the training split and exact games elsewhere', () => {
    const s = bottleneckStudy(selectNetworks(['cifar-cnn', 'census-mlp5', 'sst2-bert']), root, 'hour', 0);
    const [cnn, bert, census] = models(s);
    expect(cnn).toMatchObject({ protocol: 'iclr2022', perClass: 1, pairs: 50, contexts: 20 });
    expect(cnn.options).toMatchObject({ dataset: 'cifar10-train', grid: '16' });
    expect(bert).toMatchObject({ protocol: 'exact', samples: 100 });
    expect(bert.options).toMatchObject({ words: '10' });
    expect(census).toMatchObject({ protocol: 'exact', samples: 100 });
  });

  it('applies --images, --pairs, --contexts to image networks and --samples to the others', () => {
    const s = bottleneckStudy(selectNetworks(['cifar-vit', 'census-mlp5']), root, 'quick', 3, {
      perClass: 2,
      pairs: 7,
      contexts: 5,
      samples: 9,
    });
    const [vit, census] = models(s);
    expect(vit).toMatchObject({ perClass: 2, pairs: 7, contexts: 5 });
    expect(vit.samples).toBeUndefined();
    expect(census.samples).toBe(9);
    expect(s.study.seed).toBe(3);
  });

  it('names a network whose model is not under the root instead of leaving it out', () => {
    const s = bottleneckStudy(selectNetworks(['census-mlp5']), '/nonexistent-root', 'quick', 0);
    expect(models(s)).toHaveLength(0);
    expect(s.missing).toEqual([{ id: 'census-mlp5', reason: expect.stringMatching(/model not found/) }]);
  });
});
