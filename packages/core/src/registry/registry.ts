import { OrderlensInputError } from '../errors/errors.js';

/** Anything a registry holds: it has a name (the key users type). */
export interface Named {
  readonly name: string;
}

/**
 * A name → plugin table, the one extension point pattern of orderlens (estimators, modality
 * adapters, runner factories). As in onnxruntime-common's backend registry, a plugin registers
 * itself once; looking up an unknown name is an input error that lists what is registered, so
 * a user who mistypes `--estimator` learns the valid names.
 */
export class Registry<T extends Named> {
  private readonly items = new Map<string, T>();

  /** @param kind what the registry holds, e.g. `estimator` (used in messages). */
  constructor(
    readonly kind: string,
    private readonly field: string,
  ) {}

  /** Adds `item`; registering a second plugin under the same name replaces the first only with `replace`. */
  register(item: T, options: { replace?: boolean } = {}): T {
    if (this.items.has(item.name) && !options.replace && this.items.get(item.name) !== item)
      throw new Error(`${this.kind} "${item.name}" is already registered`);
    this.items.set(item.name, item);
    return item;
  }

  /** Whether `name` is registered. */
  has(name: string): boolean {
    return this.items.has(name);
  }

  /** The plugin called `name`; throws an input error naming the field and the registered names. */
  get(name: string, field = this.field): T {
    const item = this.items.get(name);
    if (item === undefined)
      throw new OrderlensInputError(
        field,
        `unknown ${this.kind} "${name}"; registered: ${this.names().join(', ') || '(none)'}`,
      );
    return item;
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.items.keys()];
  }

  /** Registered plugins, in registration order. */
  list(): T[] {
    return [...this.items.values()];
  }
}
