/**
 * @orderlens/nlp: the `text` modality adapter. Importing the package registers it with core's
 * adapter registry (`adapters.get('text')`), as runtime backends register themselves on import.
 */
import { adapters } from '@orderlens/core';
import { textAdapter } from './adapter/text-adapter.js';

export * from './tokenizer/index.js';
export * from './players/index.js';
export * from './masking/index.js';
export * from './data/index.js';
export * from './pictures/index.js';
export * from './adapter/index.js';

adapters.register(textAdapter);
