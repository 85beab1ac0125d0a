import { describe, expect, it } from 'vitest';
import { PAPER_RATIOS } from '@orderlens/core/math';
import { verdictText } from './bottleneck-report.js';
import { bottleneckVerdict } from '@orderlens/core/theory';

const ratios = [...PAPER_RATIOS];
// A curve by band: the value at each of the 13 paper ratios from its band.
const curve = (low: number, mid: number, high: number, other = (low + high) / 2) =>
  ratios.map((r) => (r <= 0.1 ? low : r >= 0.9 ? high : r >= 0.4 && r <= 0.6 ? mid : other));

describe('bottleneckVerdict', () => {
  it('calls a curve low in the middle and high at both ends a U-shape, with the margins', () => {
    const v = bottleneckVerdict(ratios, curve(2, 0.5, 1));
    expect(v).toMatchObject({ shape: 'U-shape', holds: true, low: 2, mid: 0.5, high: 1 });
    expect(v.midBelowLow).toBeCloseTo(0.75);
    expect(v.midBelowHigh).toBeCloseTo(0.5);
  });

  it('tells a decreasing, an increasing and a spindle curve apart, none holding', () => {
    expect(bottleneckVerdict(ratios, curve(2, 0.5, 0.2))).toMatchObject({
      shape: 'decreasing',
      holds: false,
    });
    expect(bottleneckVerdict(ratios, curve(0.2, 0.5, 2))).toMatchObject({
      shape: 'increasing',
      holds: false,
    });
    const s = bottleneckVerdict(ratios, curve(0.2, 2, 0.5));
    expect(s).toMatchObject({ shape: 'spindle', holds: false });
    expect(s.midBelowLow).toBeLessThan(0);
  });

  it('gives the margins in standard errors when the raw curve has errors', () => {
    const raw = curve(4, 1, 3);
    const v = bottleneckVerdict(ratios, curve(4, 1, 3), { values: raw, errors: raw.map(() => 0.5) });
    // Three ratios in each band: se of a band mean 0.5/√3, of the difference 0.5·√(2/3).
    expect(v.zLow).toBeCloseTo(3 / (0.5 * Math.sqrt(2 / 3)));
    expect(v.zHigh).toBeCloseTo(2 / (0.5 * Math.sqrt(2 / 3)));
    expect(bottleneckVerdict(ratios, raw).zLow).toBeUndefined();
  });

  it('says in words how far the middle lies from each end, and which margin is within 2 se', () => {
    const raw = curve(4, 1, 1.2);
    const v = bottleneckVerdict(ratios, raw, { values: raw, errors: raw.map(() => 0.5) });
    expect(verdictText(v)).toBe(
      'U-shape: middle 75 % below the low end, 17 % below the high end (within 2 se: high end z = 0.5)',
    );
    expect(verdictText(bottleneckVerdict(ratios, curve(2, 1, 0.8)))).toBe(
      'decreasing, no bottleneck: middle 50 % below the low end, 25 % above the high end',
    );
  });

  it('names the field of a curve it cannot judge', () => {
    expect(() => bottleneckVerdict(ratios, [1, 2])).toThrow(/J/);
    expect(() => bottleneckVerdict([0, 0.05, 0.1], [1, 1, 1])).toThrow(/ratios.*middle/);
  });
});
