export * from './theory-strength.js';
export * from './two-phase.js';
