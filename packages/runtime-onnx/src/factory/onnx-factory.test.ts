import { describe, expect, it } from 'vitest';
import { OrderlensInputError, openModel } from '@orderlens/core';
import { censusModel } from '../test-utils/index.js';
import { ONNX_PROVIDERS } from '../session/providers.js';
import { availableOnnxProviders, loadableOnnxProviders } from './onnx-factory.js';

describe('loadableOnnxProviders: the providers that load a test model here', () => {
  it('tests every provider once; the CPU always loads, the others load or give a reason', async () => {
    const tested = await loadableOnnxProviders();
    expect([...tested.keys()].sort()).toEqual([...ONNX_PROVIDERS].sort());
    expect(tested.get('cpu')).toBeUndefined();
    for (const [p, why] of tested) if (why !== undefined) expect(why, p).toMatch(/\S/);
    // The same map for the whole process: the test sessions are not created again.
    expect(await loadableOnnxProviders()).toBe(tested);
  });

  it('a named device that does not load is refused naming only the providers that do', async () => {
    const tested = await loadableOnnxProviders();
    const loads = [...tested].filter(([, why]) => why === undefined).map(([p]) => p);
    const failing = ONNX_PROVIDERS.find((p) => !loads.includes(p));
    if (failing === undefined) return; // every provider loads on this machine: nothing to refuse
    const err = await openModel({ spec: censusModel, device: failing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OrderlensInputError);
    expect((err as Error).message).toContain(
      `${failing} is not available to onnx on this machine; available: ${loads.join(', ')}`,
    );
    // … and says why that provider did not load.
    expect((err as Error).message).toContain(` — ${failing}: ${tested.get(failing)}`);
  });

  it('auto opens with a provider that loads', async () => {
    const tested = await loadableOnnxProviders();
    const model = await openModel({ spec: censusModel, device: 'auto' });
    expect(tested.get(model.device as (typeof ONNX_PROVIDERS)[number])).toBeUndefined();
    expect(availableOnnxProviders()).toContain(model.device);
    await model.runner.dispose();
  });
});
