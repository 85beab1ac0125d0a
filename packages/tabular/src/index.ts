/**
 * @orderlens/tabular — tabular data for interaction analysis: CSV reading and schemas,
 * preprocessing saved with a model, a masker where every attribute is a player, and the UCI
 * census preset (the 12-variable recipe of the representation-bottleneck experiments).
 * Importing the package registers the adapter.
 */
import { adapters } from '@orderlens/core';
import { tabularAdapter } from './adapter/tabular-adapter.js';

export * from './csv/read-csv.js';
export * from './schema/schema.js';
export * from './preprocess/preprocessor.js';
export * from './masker/baseline.js';
export * from './masker/tabular-masker.js';
export * from './random/numpy-random-state.js';
export * from './census/census.js';
export * from './adapter/tabular-data.js';
export * from './adapter/tabular-options.js';
export * from './adapter/tabular-protocols.js';
export * from './adapter/tabular-session.js';
export * from './adapter/tabular-adapter.js';
export * from './adapter/tabular-views.js';
export * from './adapter/attack-change.js';
export * from './attack/attack-tabular.js';
export * from './reproduction/index.js';

adapters.register(tabularAdapter);
