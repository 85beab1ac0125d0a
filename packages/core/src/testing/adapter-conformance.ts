import { describe, expect, it } from 'vitest';
import type { AdapterOpenRequest, ModalityAdapter } from '../adapter/modality-adapter.js';
import { parseAdapterOptions } from '../adapter/option-values.js';
import { adapters } from '../adapter/registry.js';
import type { SampleViewContext } from '../adapter/sample-views.js';
import { estimators } from '../estimators/registry.js';
import { PNG_SIGNATURE } from '../files/png.js';
import { ModelGateway } from '../runtime/model-gateway.js';
import type { SampleResult } from '../result/interaction-result.js';

/** What {@link describeAdapter} checks an adapter with, besides its declarations. */
export interface AdapterCase {
  readonly adapter: ModalityAdapter;
  /**
   * A finished sample of this modality (players descriptor and values as the estimator writes
   * them), for the `views` hook; without it the views are not drawn.
   */
  readonly sample?: () => SampleResult | Promise<SampleResult>;
  /**
   * A request that opens a real session (options and an opened model), to check the session's
   * shape on candidate 0; without it `open` is not called (it needs a model and data).
   */
  readonly open?: () => AdapterOpenRequest | Promise<AdapterOpenRequest>;
}

/**
 * A finished sample for `players` as an exact estimator writes it, for {@link AdapterCase.sample}:
 * an SII matrix and a multi-order table over every pair at orders 0 and n − 2, with values of
 * both signs that differ by pair, so pictures have something to draw.
 */
export function finishedSample(players: SampleResult['players'], id = 'sample-0'): SampleResult {
  const n = players.n;
  const value = (i: number, j: number) => ((i + 1) * (j + 2) * ((i + j) % 2 === 0 ? 1 : -1)) / (10 * n);
  const sii = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 0 : value(Math.min(i, j), Math.max(i, j)))),
  );
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  return {
    id,
    index: 0,
    label: 0,
    players,
    strength: [0.5, 0.25],
    sii,
    multiOrder: {
      orders: [0, Math.max(0, n - 2)],
      pairs,
      values: pairs.map(([i, j]) => [value(i, j), -value(i, j) / 2]),
    },
    modelCalls: 2 ** n,
  };
}

/** Views are drawn with no recorded outputs and a painter that returns a bare PNG signature. */
const TEST_CONTEXT: SampleViewContext = {
  index: 0,
  outputs: () => [],
  paint: {
    heatmapPng: () => Uint8Array.from([...PNG_SIGNATURE]),
    chartFont: 'sans-serif',
  },
};

/**
 * The conformance suite every adapter package runs on its adapter: it is registered under its
 * name; its option descriptors have unique keys and flags and valid defaults; its protocols name
 * registered estimators with options those accept, and its default protocol is one of them; it
 * names its data sources; its views (when given a sample) draw or say why not; and (when given
 * an open request) its session answers candidates, inputs and players consistently.
 */
export function describeAdapter(name: string, make: () => AdapterCase | Promise<AdapterCase>): void {
  describe(`Adapter conformance: ${name}`, () => {
    it('is registered under its name, with a description and data sources', async () => {
      const { adapter } = await make();
      expect(adapter.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(adapters.get(adapter.name)).toBe(adapter);
      expect(adapter.description.length).toBeGreaterThan(0);
      expect(adapter.dataSources.length).toBeGreaterThan(0);
    });

    it('declares options with unique keys and flags, and defaults its own schema accepts', async () => {
      const { adapter } = await make();
      const descriptors = adapter.options.descriptors;
      const keys = descriptors.map((d) => d.key);
      const flags = descriptors.map((d) => d.flag.split(/[\s<[]/)[0]);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(flags).size).toBe(flags.length);
      // The descriptors are the schema's fields, in its order, with its defaults.
      expect(keys).toEqual(Object.keys(adapter.options.schema.shape));
      const defaults = parseAdapterOptions(adapter.options, {});
      for (const d of descriptors) {
        expect(d.flag, d.key).toMatch(/^--[a-z]/);
        expect(d.description.length, d.key).toBeGreaterThan(0);
        expect(defaults[d.key], `default of ${d.flag}`).toEqual(d.default);
        if (d.choices && typeof d.default === 'string') expect(d.choices, d.key).toContain(d.default);
      }
    });

    it('names the option its samples come from (generalization sets it to each side)', async () => {
      const { adapter } = await make();
      const source = adapter.sampleSource;
      expect(source, 'sampleSource').toBeDefined();
      const option = adapter.options.descriptors.find((d) => d.key === source!.option);
      expect(
        option,
        `sampleSource.option "${source!.option}" is not one of the adapter's options`,
      ).toBeDefined();
      expect(['split', 'source']).toContain(source!.kind);
    });

    it('has protocols that name registered estimators with options they accept', async () => {
      const { adapter } = await make();
      const names = adapter.protocols.map((p) => p.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toContain(adapter.defaultProtocol);
      for (const p of adapter.protocols) {
        expect(estimators.has(p.estimator), `${p.name}: estimator ${p.estimator}`).toBe(true);
        const parsed = estimators.get(p.estimator).options.safeParse(p.estimatorOptions);
        expect(parsed.success, `${p.name}: ${JSON.stringify(parsed.error?.issues ?? [])}`).toBe(true);
      }
      expect(['correct', 'all', 'first-then-correct']).toContain(adapter.defaultSelection.rule);
    });

    it('draws views of a finished sample, or says why it cannot', async () => {
      const c = await make();
      if (!c.adapter.views || !c.sample) return;
      const sample = await c.sample();
      const drawn = c.adapter.views.sample(sample, TEST_CONTEXT);
      expect(drawn.length).toBeGreaterThan(0);
      for (const v of drawn) {
        if (typeof v === 'string') continue;
        expect(v.caption.length).toBeGreaterThan(0);
        if (v.kind === 'image') expect(Buffer.from(v.png.subarray(0, 8)).equals(PNG_SIGNATURE)).toBe(true);
        if (v.kind === 'svg') expect(v.svg).toMatch(/<svg[\s>]/);
        if (v.kind === 'scene')
          expect(c.adapter.views.scenes, 'a scene view needs the scene script').toBeDefined();
        expect(() =>
          JSON.stringify(v.kind === 'scene' ? v.scene : v.kind === 'chart' ? v.spec : v),
        ).not.toThrow();
      }
    });

    it('opens a session whose candidates, inputs and players agree', async () => {
      const c = await make();
      if (!c.open) return;
      const session = await c.adapter.open(await c.open());
      try {
        expect(session.candidates).toBeGreaterThan(0);
        const first = session.candidate(0);
        expect(typeof first.id).toBe('string');
        expect(Number.isInteger(first.label)).toBe(true);
        const inputs = await session.inputs(0, 1);
        for (const t of Object.values(inputs)) expect(t.dims[0]).toBe(1);
        const players = await session.players(0, new ModelGateway());
        expect(players.masker.n).toBe(players.descriptor.n);
        expect(() => JSON.stringify(session.details)).not.toThrow();
        await players.dispose?.();
      } finally {
        await session.dispose?.();
      }
    });
  });
}
