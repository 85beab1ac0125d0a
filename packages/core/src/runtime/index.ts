export * from './device-policy.js';
export * from './model-gateway.js';
export * from './runner-registry.js';
