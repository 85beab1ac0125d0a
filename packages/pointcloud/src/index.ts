export * from './cloud/index.js';
export * from './readers/index.js';
export * from './players/index.js';
export * from './masking/index.js';
export * from './view/index.js';
