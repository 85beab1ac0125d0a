import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp.js';
import { InterruptedError } from '../errors/errors.js';
import { RunStore, canonicalJson, hashOptions } from './run-store.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.cleanup());

describe('RunStore', () => {
  it('hashes options independently of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(hashOptions({ a: 1, b: 2 })).toBe(hashOptions({ b: 2, a: 1 }));
    expect(hashOptions({ a: 1 })).not.toBe(hashOptions({ a: 2 }));
  });

  it('stores units atomically and skips them on resume', async () => {
    tmp = tempDir();
    const dir = join(tmp.dir, 'run');
    const options = { model: 'm.onnx', samples: 4, seed: 0 };
    const computed: string[] = [];
    const compute = async (id: string, k: number) => {
      computed.push(id);
      return { id, value: k * 10, arr: new Float64Array([k, k + 0.5]) };
    };
    const ids = ['s0', 's1', 's2', 's3'];

    // First run: interrupted after two units (the signal fires during the second).
    const controller = new AbortController();
    const first = RunStore.open({ dir, command: 'test run', options });
    await expect(
      first.runUnits(
        ids,
        async (id, k) => {
          if (k === 1) controller.abort();
          return compute(id, k);
        },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(InterruptedError);
    expect(computed).toEqual(['s0', 's1']);
    expect(first.ids()).toEqual(['s0', 's1']);
    // Only finished files, no temporaries left behind.
    expect(readdirSync(join(dir, 'units')).sort()).toEqual(['s0.json', 's1.json']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      schema: 'orderlens/run@1',
      command: 'test run',
      optionsHash: hashOptions(options),
    });

    // Without --resume the directory is refused.
    expect(() => RunStore.open({ dir, command: 'test run', options })).toThrow(
      /runDir: .*already holds 2 finished unit\(s\).*`resume`/,
    );

    // Resume: only the missing units are computed; results of all units come back in order.
    computed.length = 0;
    const second = RunStore.open({
      dir,
      command: 'test run',
      options: { seed: 0, samples: 4, model: 'm.onnx' },
      resume: true,
    });
    expect(second.resumedUnits).toBe(2);
    const skipped: string[] = [];
    const all = await second.runUnits(ids, compute, { onUnit: (id, _k, s) => s && skipped.push(id) });
    expect(computed).toEqual(['s2', 's3']);
    expect(skipped).toEqual(['s0', 's1']);
    expect(all.map((r) => r.value)).toEqual([0, 10, 20, 30]);
    expect(all[3].arr).toEqual([3, 3.5]); // typed arrays stored as plain arrays, same shape fresh or resumed
    expect(all[0].arr).toEqual([0, 0.5]);
  });

  it('refuses to resume with different options or another command', () => {
    tmp = tempDir();
    const dir = join(tmp.dir, 'run');
    const store = RunStore.open({ dir, command: 'a', options: { samples: 4, seed: 0 } });
    store.put('u0', { x: 1 });
    expect(() =>
      RunStore.open({ dir, command: 'a', options: { samples: 5, seed: 0 }, resume: true }),
    ).toThrow(/resume: options differ from the run in .* \(changed: samples\)/);
    expect(() =>
      RunStore.open({ dir, command: 'b', options: { samples: 4, seed: 0 }, resume: true }),
    ).toThrow(/holds a run of "a", not "b"/);
    expect(
      RunStore.open({ dir, command: 'a', options: { samples: 4, seed: 0 }, resume: true }).get('u0'),
    ).toEqual({ x: 1 });
  });

  it('a fresh run over one that holds only restartable units starts over; any other unit is kept', () => {
    tmp = tempDir();
    const dir = join(tmp.dir, 'run');
    const restartableUnits = ['selection'];
    // A run that failed after its selection, before its first sample (a bad option met late).
    RunStore.open({ dir, command: 'a', options: { pairs: 200 }, restartableUnits }).put('selection', [1]);
    const again = RunStore.open({ dir, command: 'a', options: { pairs: 100 }, restartableUnits });
    expect(again.ids()).toEqual([]);
    expect(again.manifest.options).toEqual({ pairs: 100 });
    expect(readdirSync(join(dir, 'units'))).toEqual([]);
    // Once a real unit exists the run is worth keeping: refused without --resume, as before.
    again.put('selection', [1]);
    again.put('sample-0', { x: 1 });
    expect(() => RunStore.open({ dir, command: 'a', options: { pairs: 50 }, restartableUnits })).toThrow(
      /already holds 2 finished unit\(s\) of a run; pass `resume`/,
    );
    // Without the option, a lone selection unit is refused too.
    const other = join(tmp.dir, 'other');
    RunStore.open({ dir: other, command: 'a', options: {} }).put('selection', [1]);
    expect(() => RunStore.open({ dir: other, command: 'a', options: { x: 1 } })).toThrow(/already holds 1/);
  });

  it('starts fresh with --resume on an empty directory and rejects bad unit ids', () => {
    tmp = tempDir();
    const dir = join(tmp.dir, 'new');
    const store = RunStore.open({ dir, command: 'a', options: {}, resume: true });
    expect(store.size).toBe(0);
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
    expect(() => store.put('../evil', 1)).toThrow(/unit: invalid unit id/);
  });

  it('removes a unit: its file goes, a reopened store does not list it, the others stay', () => {
    tmp = tempDir();
    const dir = join(tmp.dir, 'run');
    const store = RunStore.open({ dir, command: 'a', options: {}, resume: false });
    store.put('epoch-0-sample-0', { table: [1, 2] });
    store.put('epoch-0', { block: 1 });
    store.remove('epoch-0-sample-0');
    store.remove('never-written');
    expect(store.ids()).toEqual(['epoch-0']);
    expect(store.get('epoch-0-sample-0')).toBeUndefined();
    expect(readdirSync(join(dir, 'units'))).toEqual(['epoch-0.json']);
    expect(RunStore.open({ dir, command: 'a', options: {}, resume: true }).ids()).toEqual(['epoch-0']);
  });
});
