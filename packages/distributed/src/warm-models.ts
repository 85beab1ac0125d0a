/**
 * Opened models a worker keeps between jobs: an LRU map of at most `capacity` entries. Opening
 * a model (an ONNX session, an adapter reading its data) costs far more than most units, and
 * the jobs of one model come in runs, so a worker opens each model once and keeps it warm.
 * Jobs on one entry run one after another (a runner and an adapter session are not made for
 * concurrent use); jobs on different entries run side by side up to the worker's concurrency.
 */
export class WarmModels<T extends { dispose(): Promise<void> }> {
  private readonly entries = new Map<string, Entry<T>>();

  /** @param capacity - Entries kept when idle (at least 1); the least recently used goes first. */
  constructor(private readonly capacity: number) {}

  /** Keys of the entries held now, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Runs `fn` with the entry `key`, opening it with `open` when absent (one open however many
   * jobs ask at once). An entry whose open failed is dropped, so the next job tries again.
   */
  async use<R>(key: string, open: () => Promise<T>, fn: (value: T) => Promise<R>): Promise<R> {
    let entry = this.entries.get(key);
    if (entry)
      this.entries.delete(key); // re-inserted below: most recently used last
    else entry = { value: open(), tail: Promise.resolve(), users: 0 };
    this.entries.set(key, entry);
    const e = entry;
    e.users++;
    const run = e.tail.then(async () => fn(await e.value));
    // The next job on this entry waits for this one, whatever its outcome.
    e.tail = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } catch (err) {
      // A model that failed to open is not kept (a fixed file is tried afresh).
      if (
        this.entries.get(key) === e &&
        (await e.value.then(
          () => false,
          () => true,
        ))
      )
        this.entries.delete(key);
      throw err;
    } finally {
      e.users--;
      await this.evict();
    }
  }

  /** Disposes every entry (waiting for the jobs on them). */
  async dispose(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => close(e)));
  }

  private async evict(): Promise<void> {
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (e.users > 0) continue;
      this.entries.delete(key);
      await close(e);
    }
  }
}

interface Entry<T> {
  readonly value: Promise<T>;
  /** The last job queued on the entry. */
  tail: Promise<void>;
  /** Jobs running or waiting on it (never evicted while > 0). */
  users: number;
}

async function close<T extends { dispose(): Promise<void> }>(e: Entry<T>): Promise<void> {
  await e.tail;
  const v = await e.value.catch(() => undefined);
  await v?.dispose();
}
