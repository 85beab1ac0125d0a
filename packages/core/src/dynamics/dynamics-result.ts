import { z } from 'zod';
import { OrderlensInputError } from '../errors/errors.js';
import { readInputText } from '../files/read-input.js';
import { parseWithSchema } from '../options/parse-options.js';

/** Version tag of the document `computeDynamics` returns (`dynamics.json`). */
export const DYNAMICS_SCHEMA = 'orderlens/dynamics@1';

/** How σ² is fitted per checkpoint; recorded in every result so a reader need not look it up. */
export const DYNAMICS_FIT_CRITERION =
  'least squares between the measured and the predicted per-order distributions of salient ' +
  'AND-OR strength over orders 1..n, each normalised to mean 1 (only the shape counts); ' +
  'predicted = M̂(σ²) w* with w* the salient AND and OR interactions of every sample at the ' +
  'last checkpoint; search: log grid of σ² (4 per decade), then golden section on log σ²';

const num = z.number();
const numArray = z.array(num);
const optionalNum = num.nullable();

/** Train/test losses and accuracies of a checkpoint, when its source knows them. */
const lossesSchema = z
  .object({
    trainLoss: optionalNum,
    testLoss: optionalNum,
    trainAccuracy: optionalNum,
    testAccuracy: optionalNum,
    /** `testLoss − trainLoss` (null when either is unknown). */
    lossGap: optionalNum,
  })
  .strict();

const checkpointSchema = z
  .object({
    epoch: z.number().int().min(0),
    /** Where the checkpoint came from (model file), when known. */
    source: z.string().nullable(),
    losses: lossesSchema,
    /** `E_x |v(N) − v(∅)|` over the samples (the scale the salient threshold follows). */
    meanGap: num,
    andOr: z
      .object({
        /** `1 … n`. */
        orders: z.array(z.number().int()),
        /** Salient AND+OR strength per order, normalised to mean 1 over orders 1 … n. */
        distribution: numArray,
        /** Mean over samples of `Σ_{S salient, |S| = k} |I(S)|`, orders `0 … n`, not normalised. */
        strengthByOrder: z.object({ and: numArray, or: numArray }).strict(),
        /** Salient interactions per sample, mean over samples, per order `0 … n` (AND and OR together). */
        salientCountByOrder: numArray,
        salientCount: z.number().int(),
        /** The salient threshold used (the preset's rule over this checkpoint's samples). */
        tau: num,
        /** Mean over samples of the relative RMS error of the game rebuilt from salient interactions. */
        salientReconstructionError: num,
        /** Largest universal-matching residual over samples (rounding level). */
        matchingResidual: num,
      })
      .strict(),
    multiOrder: z
      .object({
        /** `0 … n−2`. */
        orders: z.array(z.number().int()),
        /** `J(m)`: mean over samples of `E_(i,j) |I^(m)(i,j)|`, normalised to mean 1 over orders. */
        J: numArray,
        /** The same before normalisation. */
        raw: numArray,
      })
      .strict(),
    fit: z
      .object({
        sigma2: num,
        log10Sigma2: num,
        /** The criterion's value at the fitted σ² (see `theory.criterion`). */
        loss: num,
        /** Predicted distribution over orders 1 … n at the fitted σ² (mean 1). */
        predicted: numArray,
        /** The optimum sits at an end of the search range. */
        atBoundary: z.boolean(),
      })
      .strict()
      // null when the checkpoint has no salient interaction at all (nothing to fit).
      .nullable(),
    modelCalls: z.number().int().min(0),
    wallTimeMs: num,
  })
  .strict();

/** Schema of `orderlens/dynamics@1`. */
export const dynamicsResultSchema = z
  .object({
    schema: z.literal(DYNAMICS_SCHEMA),
    modality: z.string(),
    n: z.number().int().min(1),
    /** Player names when the modality has them (attributes, words). */
    players: z.array(z.string()).nullable(),
    reward: z.string(),
    /** The samples analysed at every checkpoint, chosen once. */
    samples: z.array(z.object({ id: z.string(), index: z.number().int(), label: z.number().int() }).strict()),
    selection: z
      .object({
        /** Which checkpoint chose them (the last: the model the theory's w* comes from). */
        fromEpoch: z.number().int(),
        /** The selection rule (`correct`, `all`, …, as the adapter's `SelectionSpec`). */
        rule: z.string(),
        candidates: z.number().int(),
        correct: z.number().int().nullable(),
        warnings: z.array(z.string()),
      })
      .strict(),
    andOr: z
      .object({
        preset: z.enum(['orderlens', 'authors']),
        niter: z.number().int(),
        qthres: num,
        /** Extracted from `v − v(∅)` (absent in documents written before the option existed: no). */
        shiftEmpty: z.boolean().optional(),
      })
      .strict(),
    /** What every checkpoint was checked to share (inputs, architecture, players). */
    fingerprint: z.record(z.string(), z.unknown()),
    theory: z
      .object({
        criterion: z.string(),
        /** Epoch whose salient interactions are the converged `w*`. */
        truthEpoch: z.number().int(),
        truthVectors: z.number().int(),
      })
      .strict(),
    checkpoints: z.array(checkpointSchema).min(1),
    /** Figures written beside the document (the CLI adds them), name → paths. */
    outputs: z.record(z.string(), z.object({ svg: z.string(), png: z.string() }).strict()).optional(),
    modelCalls: z.number().int().min(0),
    provenance: z
      .object({
        createdAt: z.string(),
        wallTimeMs: num,
        packages: z.record(z.string(), z.string()),
        options: z.record(z.string(), z.unknown()),
      })
      .strict(),
  })
  .strict();

/** The `orderlens/dynamics@1` document. */
export type DynamicsResult = z.infer<typeof dynamicsResultSchema>;
/** One checkpoint's block of a {@link DynamicsResult}. */
export type DynamicsCheckpointResult = z.infer<typeof checkpointSchema>;
/** Losses of a checkpoint (`null` where unknown). */
export type DynamicsLosses = z.infer<typeof lossesSchema>;

/** Validates a parsed `dynamics.json`; problems become input errors naming the field. */
export function parseDynamicsResult(value: unknown, source = 'dynamics'): DynamicsResult {
  return parseWithSchema(dynamicsResultSchema, value, source);
}

/** Reads and validates a `dynamics.json` file; a missing, unreadable or invalid file names `field`. */
export function readDynamicsResult(path: string, field: string): DynamicsResult {
  const text = readInputText(path, field);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new OrderlensInputError(field, `${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseDynamicsResult(raw, field);
}
