export * from './pcd.js';
export * from './ply.js';
export * from './off.js';
export * from './xyz.js';
export * from './modelnet10.js';
export * from './shapenet-part.js';
export * from './read-cloud.js';
