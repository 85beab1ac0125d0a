export * from './text-options.js';
export * from './text-protocols.js';
export * from './text-session.js';
export * from './text-adapter.js';
export * from './text-views.js';
