import { describe, expect, it } from 'vitest';
import { agreementCaveat, theoryAgreement } from './theory-agreement.js';

describe('theory agreement', () => {
  it('tells a rising curve from a falling theory, and a poor fit from a good one', () => {
    const ratios = [0, 0.25, 0.5, 0.75, 1];
    const falling = { ratios, values: [4, 2, 1, 0.5, 0.25] };
    expect(agreementCaveat(theoryAgreement({ ratios, values: [1, 2, 3, 4, 5] }, falling))).toMatch(
      /shapes disagree: J rises with m, F̂ falls/,
    );
    expect(agreementCaveat(theoryAgreement({ ratios, values: [8, 4, 2, 1, 0.5] }, falling))).toBeUndefined();
    expect(agreementCaveat(theoryAgreement({ ratios, values: [4, 0.3, 3, 0.2, 2] }, falling))).toMatch(
      /poor fit/,
    );
    expect(theoryAgreement({ ratios: [0, 1], values: [1, 2] }, falling)).toBeUndefined();
  });
});
