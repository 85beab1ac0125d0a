export * from './census-configs.js';
export * from './seed-summary.js';
export * from './reproduce-census.js';
export * from './reproduction-table.js';
export * from './census-plan.js';
export * from './census-tools.js';
