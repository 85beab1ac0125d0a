export * from './and-or-extraction.js';
