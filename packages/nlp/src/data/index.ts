export * from './sentences.js';
export * from './text-decoding.js';
