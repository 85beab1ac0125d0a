export * from './region-masker.js';
