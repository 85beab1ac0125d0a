export * from './pair-strategy.js';
export * from './strategies.js';
