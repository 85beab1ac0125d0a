/**
 * @orderlens/cli — the `orderlens` command line, usable in-process via {@link runCli}, and the
 * helpers command groups share (IO, progress, resumable runs, plots, option parsing, errors).
 */
export * from './program.js';
export * from './util/io.js';
export * from './util/errors.js';
export * from './util/options.js';
export * from './util/progress.js';

export * from './util/plots.js';
