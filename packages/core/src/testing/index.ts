export * from './games.js';
export * from './tmp.js';
export * from './conformance.js';
export * from './expect-input-error.js';
export * from './headless-page.js';
export * from './file-trace.js';
