export * from './kmeans.js';
export * from './choose-players.js';
export * from './region-players.js';
export * from './anchor-regions.js';
