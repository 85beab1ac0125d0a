export { resolveInside, isWithin, realPathOfNearest } from './resolve-inside.js';
export { probeWritableDir, probeWritableFile } from './probe-writable.js';
