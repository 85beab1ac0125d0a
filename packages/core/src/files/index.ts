export { resolveInside, isWithin, realPathOfNearest, type ConfineOptions } from './resolve-inside.js';
export {
  resolveInRoots,
  splitPathSpec,
  joinPathSpec,
  looksLikePath,
  optionPaths,
  type PathSpec,
  type OptionPath,
} from './confine.js';
export { probeWritableDir, probeWritableFile } from './probe-writable.js';
export { encodePng, pngSize, PNG_SIGNATURE } from './png.js';
export { readInputText } from './read-input.js';
