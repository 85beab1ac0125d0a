import { describe, expect, it } from 'vitest';
import { ICLR2022_LOSS_CONVENTIONS } from '@orderlens/core/math';
import { reproductionOptions } from './reproduce.js';

const defaults = {
  protocol: 'table2',
  archs: 'mlp5,mlp8',
  losses: 'normal,low,mid,high',
  attackSamples: '0',
  seeds: '0,1,2',
  optimizer: 'adam',
  sampler: 'balanced',
  lossConventions: 'drawn',
  epsUnits: 'z',
  out: 'x',
};

describe('reproduce census options', () => {
  it('defaults to three seeds, Adam, balanced sampling, no clipping, the drawn conventions', () => {
    const o = reproductionOptions(defaults);
    expect(o).toMatchObject({ seeds: [0, 1, 2], optimizer: 'adam', sampler: 'balanced', pgdClip: false });
    expect(o.lossConventions).toBeUndefined();
    expect(o).toMatchObject({ epochs: 10, samples: 100, attackRows: 2000 });
    expect(o.trainRows).toBeUndefined();
  });

  it('reads --seed, --pgd-clip, --sampler, --optimizer, --loss-conventions and --quick', () => {
    const o = reproductionOptions({
      ...defaults,
      seed: '4',
      pgdClip: true,
      sampler: 'shuffled',
      optimizer: 'sgd',
      lossConventions: 'iclr2022',
      quick: true,
    });
    expect(o).toMatchObject({ seeds: [4], pgdClip: true, sampler: 'shuffled', optimizer: 'sgd' });
    expect(o.lossConventions).toEqual(ICLR2022_LOSS_CONVENTIONS);
    expect(o).toMatchObject({ epochs: 3, trainRows: 6000, samples: 12, attackRows: 600 });
  });

  it('names the flag of a bad value', () => {
    expect(() => reproductionOptions({ ...defaults, seeds: '0,0' })).toThrow(/--seeds/);
    expect(() => reproductionOptions({ ...defaults, seeds: '1', seed: '2' })).toThrow(/--seed/);
    expect(() => reproductionOptions({ ...defaults, sampler: 'stratified' })).toThrow(/--sampler/);
    expect(() => reproductionOptions({ ...defaults, optimizer: 'rmsprop' })).toThrow(/--optimizer/);
    expect(() => reproductionOptions({ ...defaults, lossConventions: 'x' })).toThrow(/--loss-conventions/);
    expect(() => reproductionOptions({ ...defaults, pgdClip: true, attackSamples: '5' })).toThrow(
      /--attack-samples/,
    );
    expect(() => reproductionOptions({ ...defaults, epsUnits: 'feet' })).toThrow(/--eps-units/);
    expect(() => reproductionOptions({ ...defaults, epsUnits: 'raw', attackSamples: '5' })).toThrow(
      /--attack-samples/,
    );
  });

  it('--eps-units raw is recorded; z (the default) leaves the options as before', () => {
    expect(reproductionOptions({ ...defaults, epsUnits: 'raw' }).epsUnits).toBe('raw');
    expect(reproductionOptions(defaults).epsUnits).toBeUndefined();
  });
});
