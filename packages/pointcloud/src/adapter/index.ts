export * from './options.js';
export * from './protocols.js';
export * from './model-meta.js';
export * from './data-spec.js';
export * from './pointcloud-adapter.js';
export * from './pointcloud-views.js';
