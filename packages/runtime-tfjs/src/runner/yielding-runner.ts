import { withOverrides, type ModelRunner, type OpenedModel } from '@orderlens/core';

/** Gives the event loop one turn (timers, I/O, signal handlers), then resolves. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Wraps a runner whose `run` never waits for the event loop (TensorFlow.js on wasm or cpu: its
 * reads resolve as microtasks) so that it yields a turn at most every `intervalMs`. Without it an
 * analysis is one unbroken chain of resolved promises: the SIGINT handler never runs, the first
 * Ctrl-C is not seen until the very end, and the run exits 0 as if nothing had happened. ONNX
 * Runtime's `run` completes on the event loop already, so it needs no wrapper.
 *
 * Everything but `run` (backend, input names, capabilities, dispose, runtime-specific fields) is
 * the wrapped runner's own.
 */
export function yieldingRunner<R extends ModelRunner>(runner: R, intervalMs = 50): R {
  let last = performance.now();
  const run: ModelRunner['run'] = async (inputs) => {
    const now = performance.now();
    if (now - last >= intervalMs) {
      await yieldToEventLoop();
      last = performance.now();
    }
    return runner.run(inputs);
  };
  return withOverrides<R>(runner, { run } as Partial<R>);
}

/** An opened model whose runner yields to the event loop (see {@link yieldingRunner}). */
export function yieldingModel(model: OpenedModel): OpenedModel {
  return { ...model, runner: yieldingRunner(model.runner) };
}
