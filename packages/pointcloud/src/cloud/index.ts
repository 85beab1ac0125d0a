export * from './point-cloud.js';
