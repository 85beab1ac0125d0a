export * from './dynamics-result.js';
export * from './dynamics-checks.js';
export * from './measure-checkpoint.js';
export * from './checkpoint-units.js';
export * from './compute-dynamics.js';
export * from './model-dynamics.js';
export * from './two-phase-verdicts.js';
export * from './dynamics-plan.js';
