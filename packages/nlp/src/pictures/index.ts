export * from './word-arcs.js';
