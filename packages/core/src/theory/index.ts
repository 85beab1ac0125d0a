export * from './theory-strength.js';
export * from './two-phase.js';
export * from './two-phase-operator.js';
export * from './two-phase-fit.js';
export * from './bottleneck-verdict.js';
export * from './theory-agreement.js';
