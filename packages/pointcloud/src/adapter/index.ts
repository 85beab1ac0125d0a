export * from './pointcloud-options.js';
export * from './pointcloud-protocols.js';
export * from './model-meta.js';
export * from './data-spec.js';
export * from './pointcloud-session.js';
export * from './pointcloud-adapter.js';
export * from './pointcloud-views.js';
