export * from './games.js';
export * from './tmp.js';
