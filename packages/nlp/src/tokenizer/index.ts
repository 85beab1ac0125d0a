export * from './text-tokenizer.js';
export * from './word-alignment.js';
export * from './model-folder.js';
export * from './load-tokenizer.js';
export * from './unknown-words.js';
