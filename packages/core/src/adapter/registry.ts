import { Registry } from '../registry/registry.js';
import type { ModalityAdapter } from './modality-adapter.js';

/** Registered modality adapters (each adapter package registers its own on import). */
export const adapters = new Registry<ModalityAdapter>('modality', 'modality');
