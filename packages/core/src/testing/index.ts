export { countingGame, evaluatorGame, seededUnanimityGame } from './games.js';
export type { CountingGame, SeededUnanimityOptions, SyncGame } from './games.js';
export { tempDir } from './tmp.js';
export {
  describeEstimator,
  describeMasker,
  describeRunner,
  gridUnanimityGame,
  localGridGame,
} from './conformance.js';
export type { MaskerCase, RunnerCase } from './conformance.js';
export { expectInputError, expectInputErrorAsync } from './expect-input-error.js';
export { CHROMIUM_PATH, hasChromium, openHeadlessPage } from './headless-page.js';
export type { HeadlessPage } from './headless-page.js';
export {
  FLOAT32_UNIT_ROUNDOFF,
  KERNEL_SAFETY,
  expectWithinTolerance,
  float32RewardError,
  normalizedCurveTolerance,
  rawStrengthTolerance,
} from './float32-tolerance.js';
export type { Float32NetworkShape } from './float32-tolerance.js';
export {
  REFERENCE_WORKLOAD_MS,
  SPEED_FACTOR_ENV,
  machineSpeedFactor,
  measureSpeedFactor,
  scaledTimeout,
} from './machine-speed.js';
export { SKIP_LOG_ENV, TEST_REQUIREMENTS, lacks } from './requirements.js';
export type { TestRequirement } from './requirements.js';
export { callsInto, parseTrace, straceAvailable, traceCommand, warnTraceSkipped } from './file-trace.js';
export type { TracedCall, TracedRun } from './file-trace.js';
export { describeAdapter, finishedSample } from './adapter-conformance.js';
export type { AdapterCase } from './adapter-conformance.js';
export { checkGoldenPng, comparePictures, decodePng, inkIn, systemFontIs } from './golden-png.js';
export type { DecodedPng, GoldenOptions, PictureDifference } from './golden-png.js';
export { bottleneckCoverage, bottleneckGame } from './bottleneck-games.js';
export type {
  BottleneckCoverageOptions,
  BottleneckGameOptions,
  BottleneckGameOutcome,
  ClosedFormGame,
} from './bottleneck-games.js';
