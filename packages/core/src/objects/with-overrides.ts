/**
 * `target` with some members replaced, everything else forwarded to it: its methods run bound to
 * `target` (class instances with private fields keep working), and `in`, `Object.keys` and spreads
 * see the union of both.
 *
 * Why not a copy: sessions, runners and adapters may be class instances whose methods need their
 * own `this`. Why not a plain `Proxy(target)`: a proxy must report a frozen target's
 * non-configurable properties unchanged, so replacing `open` of a frozen adapter threw a
 * `TypeError`. This proxy's own target is a fresh, extensible object, so no invariant ties it to
 * `target`.
 */
export function withOverrides<T extends object>(target: T, overrides: Partial<T>): T {
  const own = (key: PropertyKey) => Object.prototype.hasOwnProperty.call(overrides, key);
  return new Proxy({} as T, {
    get(_, key) {
      if (own(key)) return (overrides as Record<PropertyKey, unknown>)[key];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
    has: (_, key) => own(key) || Reflect.has(target, key),
    ownKeys: () => [...new Set([...Reflect.ownKeys(target), ...Reflect.ownKeys(overrides)])],
    getOwnPropertyDescriptor(_, key) {
      const d = Object.getOwnPropertyDescriptor(own(key) ? overrides : target, key);
      // Reported configurable: the proxy's own target does not hold the property.
      return d ? { ...d, configurable: true } : undefined;
    },
  });
}
