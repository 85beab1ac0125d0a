export * from './stopwords.js';
export * from './word-rule.js';
export * from './word-players.js';
export * from './word-effects.js';
