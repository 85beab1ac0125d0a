/**
 * @orderlens/cli — the `orderlens` command line, usable in-process via {@link runCli}, and the
 * helpers command groups share (IO, progress, resumable runs, plots, option parsing, errors).
 */
export { CLI_VERSION, buildProgram, runCli } from './program.js';
export type { CliRunResult, RunCliOptions } from './program.js';
export { INTERRUPT_POLICIES, attachIo, globalFlags, interruptPolicy, ioOf } from './util/io.js';
export type { CliIo, GlobalFlags } from './util/io.js';
export {
  EXIT_FAILURE,
  EXIT_INPUT,
  EXIT_INTERRUPTED,
  InterruptedError,
  OPTION_PATH_FLAGS,
  optionForField,
  reportError,
  withOptionNames,
} from './util/errors.js';
export type { ErrorContext } from './util/errors.js';
export {
  KEEP_DENORMALS_HELP,
  parseChoice,
  parseFloatList,
  parseFloatOption,
  parseInteger,
  parseIntegerList,
  parseList,
  parsePairList,
  parseSeed,
  requireInputPath,
} from './util/options.js';
export type { NumberBounds } from './util/options.js';
export { ProgressReporter, formatDuration, progressFor } from './util/progress.js';
export type { ProgressOptions, ProgressSnapshot } from './util/progress.js';

export {
  heatmapPng,
  linePlot,
  renderVegaLite,
  strengthPlot,
  svgToPng,
  writeFileAtomic,
  writePlot,
} from './util/plots.js';
export type {
  HeatmapOptions,
  LinePlotOptions,
  LineSeries,
  Plot,
  StrengthPlotCurve,
  StrengthPlotOptions,
  TheoryCurve,
} from './util/plots.js';
