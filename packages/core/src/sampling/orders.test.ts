import { describe, expect, it } from 'vitest';
import { OrderlensInputError } from '../errors/errors.js';
import { ordersFromRatios, PAPER_RATIOS, parseOrderList } from './orders.js';

describe('order grid', () => {
  it('holds the 13 paper ratios', () => {
    expect(PAPER_RATIOS).toEqual([0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1]);
  });

  it('floors (n−2)·r', () => {
    expect(ordersFromRatios(12, PAPER_RATIOS)).toEqual([0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 10]);
    expect(ordersFromRatios(256, PAPER_RATIOS)).toEqual([
      0, 12, 25, 50, 76, 101, 127, 152, 177, 203, 228, 241, 254,
    ]);
    expect(ordersFromRatios(258, [0.5, 0.95])).toEqual([128, 243]);
  });

  it('does not lose an order to binary rounding when (n−2)·r is an integer', () => {
    // 0.29 · 100 = 28.999999999999996 in floating point.
    expect(ordersFromRatios(102, [0.29, 0.57, 0.58])).toEqual([29, 57, 58]);
  });

  it('rejects ratios outside [0, 1] and n < 2', () => {
    expect(() => ordersFromRatios(10, [1.2])).toThrow(/ratios\[0\]/);
    expect(() => ordersFromRatios(1, [0])).toThrow(OrderlensInputError);
  });
});

describe('parseOrderList', () => {
  it('reads an all-integer list as orders', () => {
    expect(parseOrderList('0, 3,10', 12)).toEqual({ orders: [0, 3, 10] });
  });

  it('reads a list with any non-integer as ratios', () => {
    expect(parseOrderList('0,0.5,1', 12)).toEqual({ orders: [0, 5, 10], ratios: [0, 0.5, 1] });
    expect(parseOrderList('paper', 12).orders).toEqual(ordersFromRatios(12, PAPER_RATIOS));
  });

  it('names the field `orders` on bad input', () => {
    for (const bad of ['', 'a,1', '1,,2', '11', '-1', '0.5,2', '0.5,-0.1']) {
      let err: unknown;
      try {
        parseOrderList(bad, 12);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(OrderlensInputError);
      expect((err as OrderlensInputError).field).toBe('orders');
    }
    expect(() => parseOrderList('11', 12)).toThrow(/outside 0…10/);
  });
});
