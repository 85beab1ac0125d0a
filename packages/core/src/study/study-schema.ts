import { optionName } from '../errors/option-names.js';
import { z } from 'zod';
import { ANALYSIS_SETTINGS } from '../analysis/analysis-settings.js';

/** Schema tag of a study file (optional in the file; checked when given). */
export const STUDY_SCHEMA = 'orderlens/study@1';

/** Ids of models in a study: also folder names under `<out>/models/`. */
export const STUDY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

// As the CLI's --seed: a (safe) integer or a non-empty string; zod's own message for a union
// would be "Invalid input".
const seed = z.union(
  [z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER), z.string().min(1)],
  {
    error: 'expected a seed: an integer or a non-empty string',
  },
);
const count = z.number().int();

// The estimator's options follow the estimator, as they have in study files' "unknown field" lists.
const { protocol, estimator, ...analysisSettings } = ANALYSIS_SETTINGS.schema.shape;

/**
 * The settings a model entry and a modality's defaults share: the analysis settings of
 * `orderlens analyze`, taken from core's {@link ANALYSIS_SETTINGS} schema (which reads a study
 * value as it reads a flag's text, so a setting is checked once, in one place, with the same
 * message), plus the estimator's options, reward, seeds and the adapter options.
 */
export const studySettingsShape = {
  protocol,
  estimator,
  estimatorOptions: z.record(z.string(), z.unknown()).optional(),
  ...analysisSettings,
  reward: z.string().min(1).optional(),
  /** One analysis per seed; each draws every random choice from it (default: the study seed). */
  seeds: z.array(seed).min(1).optional(),
  /** Coalitions per model call; never changes the numbers. */
  batchSize: count.min(1).optional(),
  /** The adapter's options by key (`grid`, `dataset`, `sentences`, …). */
  options: z.record(z.string(), z.unknown()).optional(),
  /**
   * Noise sensitivity `V^(s)` of the model (`orderlens noise-sensitivity`'s `--delta`, `--draws`):
   * every sample also gets its noise unit, and the result its `measures.noiseSensitivity`.
   */
  noise: z
    .strictObject({
      delta: z.number().gt(0, { error: () => `expected a standard deviation > 0 (${optionName('delta')})` }),
      draws: z
        .number()
        .int()
        .min(2, { error: () => `expected an integer ≥ 2 (${optionName('draws')})` })
        .default(20),
    })
    .optional(),
};

/** A modality's defaults (every setting of an entry, no id/modality/model). */
export const studyDefaultsSchema = z.strictObject(studySettingsShape);

/** One model entry of a study. */
export const studyEntrySchema = z.strictObject({
  id: z
    .string()
    .regex(STUDY_ID, 'expected letters, digits, ".", "_" or "-" (it names the folder models/<id>/)'),
  modality: z.string().min(1),
  /** Model file or folder, relative to the study file. */
  model: z.string().min(1),
  ...studySettingsShape,
});

/** A study file (YAML or JSON). */
export const studyFileSchema = z.strictObject({
  schema: z.literal(STUDY_SCHEMA).optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  /** Seed of every model that names no `seeds` (default 0). */
  seed: seed.optional(),
  /** Device policy (auto | cpu | cuda | webgpu | wasm); the CLI's --device overrides it. */
  device: z.string().optional(),
  /** Settings per modality, under every entry of that modality. */
  defaults: z.record(z.string(), studyDefaultsSchema).optional(),
  models: z.array(studyEntrySchema).min(1),
});

/** A study file as written (validated). */
export type StudyFile = z.infer<typeof studyFileSchema>;
/** One entry of a study file as written. */
export type StudyEntry = z.infer<typeof studyEntrySchema>;
/** The defaults of one modality as written. */
export type StudyDefaults = z.infer<typeof studyDefaultsSchema>;
