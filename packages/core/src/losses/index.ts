export * from './order-loss-terms.js';
export * from './nested-coalitions.js';
