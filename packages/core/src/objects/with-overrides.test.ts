import { describe, expect, it } from 'vitest';
import { withOverrides } from './with-overrides.js';

class Counter {
  #count = 0;
  readonly name = 'counter';
  bump(): number {
    return ++this.#count;
  }
  label(): string {
    return `${this.name}:${this.#count}`;
  }
}

describe('withOverrides', () => {
  it('replaces members of a frozen object (a plain Proxy of it throws)', () => {
    const adapter = Object.freeze({ name: 'a', open: () => 'old', describe: () => 'same' });
    const wrapped = withOverrides(adapter, { open: () => 'new' });
    expect(wrapped.open()).toBe('new');
    expect(wrapped.describe()).toBe('same');
    expect(wrapped.name).toBe('a');
    expect(adapter.open()).toBe('old');
    // What the old wrapping did, for contrast:
    const plain = new Proxy(adapter, { get: (t, k) => (k === 'open' ? () => 'new' : Reflect.get(t, k)) });
    expect(() => plain.open()).toThrow(TypeError);
  });

  it('keeps methods bound to the target (private fields) and shows the union of keys', () => {
    const counter = new Counter();
    const wrapped = withOverrides(counter, { label: () => 'overridden' });
    expect(wrapped.bump()).toBe(1);
    expect(wrapped.bump()).toBe(2);
    expect(counter.label()).toBe('counter:2');
    expect(wrapped.label()).toBe('overridden');
    const plain = withOverrides({ a: 1, b: 2 }, { b: 3 });
    expect({ ...plain }).toEqual({ a: 1, b: 3 });
    expect('a' in plain && 'b' in plain).toBe(true);
    expect(Object.keys(plain).sort()).toEqual(['a', 'b']);
  });
});
