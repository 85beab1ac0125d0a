import { z } from 'zod';
import { OrderlensInputError } from '../errors/errors.js';
import { readInputText } from '../files/read-input.js';
import { checkResultSizes } from './result-sizes.js';

/**
 * Version tag of the one result document every analysis writes. `@3` added the measures of
 * interactions (sparsity curves in AND-OR blocks, per-sample noise variances, the top-level
 * `measures` block); it changed no field of `@2`, so `@2` files are read as `@3` documents
 * without measures ({@link parseResult}).
 */
export const RESULT_SCHEMA = 'orderlens/interaction-result@3';

/** Older tags {@link parseResult} reads: their documents are valid `@3` documents without the newer blocks. */
export const READABLE_OLDER_SCHEMAS: readonly string[] = ['orderlens/interaction-result@2'];

const num = z.number();
const finiteOrNull = z.number().nullable();
const numArray = z.array(num);

const playersSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('grid'),
    n: z.number().int(),
    rows: z.number().int(),
    cols: z.number().int(),
    height: num,
    width: num,
    cells: z.array(z.number().int()).optional(),
  }),
  z.object({
    kind: z.literal('feature-map'),
    n: z.number().int(),
    rows: z.number().int(),
    cols: z.number().int(),
    tensor: z.string(),
    height: num,
    width: num,
    cells: z.array(z.number().int()).optional(),
  }),
  z.object({
    kind: z.literal('words'),
    n: z.number().int(),
    text: z.string(),
    words: z.array(z.string()),
    tokenSpans: z.array(z.tuple([z.number().int(), z.number().int()])),
    tokens: z.array(z.string()).optional(),
  }),
  z.object({
    kind: z.literal('regions'),
    n: z.number().int(),
    centroids: z.array(z.tuple([num, num, num])),
    pointIndices: z.array(z.array(z.number().int())),
    anchors: z.array(z.tuple([num, num, num])).optional(),
  }),
  z.object({
    kind: z.literal('attributes'),
    n: z.number().int(),
    names: z.array(z.string()),
    values: numArray.optional(),
  }),
  z.object({ kind: z.literal('generic'), n: z.number().int(), names: z.array(z.string()).optional() }),
]);

const multiOrderSchema = z.object({
  orders: z.array(z.number().int()),
  ratios: numArray.optional(),
  pairs: z.array(z.tuple([z.number().int(), z.number().int()])),
  values: z.array(numArray),
  standardErrors: z.array(numArray).optional(),
});

const sparsitySchema = z.object({
  ranks: z.array(z.number().int()),
  and: numArray,
  or: numArray,
  fractions: numArray,
  thresholds: numArray,
  andCount: numArray,
  orCount: numArray,
  share: numArray,
});

const andOrSchema = z.object({
  preset: z.string(),
  /** Salient sets as bit masks, with their interaction and kind. */
  salient: z.array(
    z.object({ mask: z.number().int(), kind: z.enum(['and', 'or']), value: num, order: z.number().int() }),
  ),
  /** Σ|I| of salient interactions per order (0 … n). */
  strengthByOrder: z.object({ and: numArray, or: numArray }),
  threshold: num,
  reconstructionError: num,
  matchingResidual: num,
  initialLoss: num,
  finalLoss: num,
  iterations: z.number().int(),
  /** Sparsity curves of the sample (two-phase paper §3.1; `SparsityCurves`), from `@3` on. */
  sparsity: sparsitySchema.optional(),
});

/** Variance of the sample's Harsanyi interactions over noise draws (`orderlens noise-sensitivity`). */
const noiseSampleSchema = z.object({
  delta: num,
  draws: z.number().int(),
  /** `V_x(s) = E_{|S|=s} Var_ε I(S|x + ε)` for `s = 0 … n`. */
  variance: numArray,
  /** `v(x_N + ε)` of each draw (how far the noise moves the output). */
  vFull: numArray,
  modelCalls: z.number().int(),
});

const nullableArray = z.array(num.nullable());
const shareByOrderSchema = z.object({
  orders: z.array(z.number().int()),
  share: nullableArray,
  counts: numArray,
  overall: num.nullable(),
});

/** The measures of interactions a command computed over the whole run (`@3`). */
const measuresSchema = z.object({
  /** `V^(s) = E_x E_{|S|=s} Var_ε I(S|x + ε)` (first-principles paper §3.2). */
  noiseSensitivity: z
    .object({
      delta: num,
      draws: z.number().int(),
      interactions: z.literal('harsanyi'),
      /**
       * What `δ` is measured against: text, the word-embedding table (by initializer name) and the
       * RMS of its entries; tables, images and point clouds, the model inputs over the candidates
       * (RMS, standard deviation and, for tables, each column's). Absent in results written
       * before it was recorded.
       */
      scale: z
        .object({
          space: z.string(),
          table: z.string().optional(),
          width: z.number().int().optional(),
          rms: num,
          std: num.optional(),
          perFeature: z.object({ names: z.array(z.string()), std: numArray }).optional(),
          over: z.string().optional(),
        })
        .optional(),
      orders: z.array(z.number().int()),
      variance: numArray,
      varianceError: numArray,
      fit: z.object({ intercept: num, slope: num, growth: num, r2: num }).nullable(),
    })
    .optional(),
  /** `E_c Sim(Ī^(k)_{c,train}, Ī^(k)_{c,test})` (first-principles paper §3.2, Fig. 4). */
  generalization: z
    .object({
      train: z.string(),
      test: z.string(),
      orders: z.array(z.number().int()),
      classes: z.array(z.number().int()),
      trainCounts: z.array(z.number().int()),
      testCounts: z.array(z.number().int()),
      byClass: z.array(nullableArray),
      mean: nullableArray,
      classesDefined: z.array(z.number().int()),
    })
    .optional(),
  /** Transferability of salient interactions (first-principles paper §2.2). */
  transfer: z
    .object({
      acrossSamples: shareByOrderSchema.extend({ skippedClasses: z.array(z.number().int()) }).optional(),
      acrossNetworks: z
        .array(
          z.object({
            a: z.string(),
            b: z.string(),
            aInB: shareByOrderSchema,
            bInA: shareByOrderSchema,
            jaccard: shareByOrderSchema,
            samples: z.array(z.string()),
          }),
        )
        .optional(),
    })
    .optional(),
});
/** One sample's estimate inside a result document. */
const sampleSchema = z.object({
  /** Stable id of the sample within its data source (e.g. `test-17`, `dev-3`). */
  id: z.string(),
  /** Index of the sample in its data source. */
  index: z.number().int(),
  label: z.number().int(),
  players: playersSchema,
  /** `E_pairs |I^(m)|` at each order of the document (first repeat). */
  strength: numArray,
  strengthByRepeat: z.array(numArray).optional(),
  /** Standard error of each `strength` value (sampled estimators). */
  strengthError: numArray.optional(),
  /** Estimated bias of each `strength` value, when the estimator corrects for it. */
  strengthBias: numArray.optional(),
  /**
   * Lower and upper bound of each `strength` value at `strengthLevel` coverage (the `adaptive`
   * estimator: one-sided bounds from the cross-fit and plain estimates, docs/j-accuracy.md).
   */
  strengthLower: numArray.optional(),
  strengthUpper: numArray.optional(),
  strengthLevel: num.optional(),
  /** Per order: whether the interval's relative half-width reached the run's target error. */
  strengthTargetMet: z.array(z.boolean()).optional(),
  /**
   * What `strengthLower`/`strengthUpper` are made of (plain and cross-fit means, their standard
   * errors and degrees of freedom, `null` for infinite), so that the run-wide curve can carry an
   * interval of the mean over samples (`aggregate.strengthInterval`).
   */
  strengthSides: z
    .object({
      plain: numArray,
      crossFit: numArray,
      plainError: numArray,
      crossFitError: numArray,
      plainDf: nullableArray,
      crossFitDf: nullableArray,
    })
    .optional(),
  multiOrder: multiOrderSchema.optional(),
  sii: z.array(numArray).optional(),
  shapley: numArray.optional(),
  banzhaf: numArray.optional(),
  harsanyi: numArray.optional(),
  or: numArray.optional(),
  andOr: andOrSchema.optional(),
  noise: noiseSampleSchema.optional(),
  vEmpty: num.optional(),
  vFull: num.optional(),
  residual: num.optional(),
  /** Every identity residual of an exact computation (MATH.md). */
  residuals: z.record(z.string(), num.nullable()).optional(),
  modelCalls: z.number().int(),
  wallTimeMs: num.optional(),
});

const strengthCurveSchema = z.object({
  orders: z.array(z.number().int()),
  J: numArray,
  normalization: z.enum(['mean', 'per-sample-mean', 'order-0', 'none']),
});

const modelCallsSchema = z
  .object({
    selection: z.number().int(),
    estimation: z.number().int(),
    'feature-map-prefix': z.number().int(),
    attack: z.number().int(),
    total: z.number().int(),
  })
  .catchall(z.number().int());

/** The JSON shape of {@link InteractionResult}; `parseResult` validates with it. */
export const interactionResultSchema = z.object({
  schema: z.literal(RESULT_SCHEMA),
  /** `tabular`, `vision`, `text`, `pointcloud`, or `game` for game files. */
  modality: z.string(),
  estimator: z.object({ name: z.string(), options: z.record(z.string(), z.unknown()) }),
  pairs: z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()) }).optional(),
  reward: z.string(),
  n: z.number().int(),
  orders: z.array(z.number().int()),
  ratios: numArray,
  samples: z.array(sampleSchema),
  aggregate: z.object({
    /** `J(m)`: mean over samples, normalised by its mean over orders. */
    strength: strengthCurveSchema,
    /** `J̄(m)`: each sample normalised first. */
    strengthPerSample: strengthCurveSchema,
    /** `J(m)` before normalisation (mean over samples). */
    raw: numArray,
    /** Standard error of `raw` over samples (and contexts, when the estimator gives them). */
    rawError: numArray.optional(),
    /**
     * The interval of `raw` at each order from every sample's `strengthSides`
     * (`combineStrengthIntervals`: context noise and the estimators' bias, samples and pairs
     * fixed), its relative half-width around `raw` (`null`: unbounded) and, per order, whether that
     * reached `targetError`. Absent when a sample has no interval (e.g. the plain strength).
     */
    strengthInterval: z
      .object({
        level: num,
        lower: numArray,
        upper: numArray,
        relativeError: nullableArray,
        targetError: num,
        targetMet: z.array(z.boolean()),
      })
      .optional(),
    instability: finiteOrNull,
    theory: z.object({
      n: z.number().int(),
      values: numArray,
      effectiveN: z.number().int().optional(),
      effectiveCurve: numArray.optional(),
    }),
    andOr: z
      .object({ and: numArray, or: numArray, salientCount: numArray, sparsity: sparsitySchema.optional() })
      .optional(),
  }),
  selection: z
    .object({
      rule: z.string(),
      candidates: z.number().int(),
      correct: z.number().int().optional(),
      /** Candidates predicted to choose the samples (rule `correct` stops once the choice is made). */
      predicted: z.number().int().optional(),
      accuracy: num.optional(),
      requested: z.number().int().optional(),
      warnings: z.array(z.string()).optional(),
    })
    .optional(),
  modelCalls: modelCallsSchema,
  provenance: z.object({
    /** What the result is of, for legends (`plot`): a game file's `name`; absent for model runs. */
    name: z.string().optional(),
    packages: z.record(z.string(), z.string()),
    model: z
      .object({
        file: z.string(),
        sha256: z.string(),
        format: z.string(),
        backend: z.string(),
        /** Runtime settings that change speed only (denormals flushed or kept, threads). */
        runtime: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      })
      .optional(),
    data: z.string(),
    options: z.record(z.string(), z.unknown()),
    seed: z.union([z.number(), z.string()]),
    device: z.string(),
    createdAt: z.string(),
    wallTimeMs: num,
  }),
  /** Measures of interactions over the run (noise sensitivity, generalization, transfer), from `@3` on. */
  measures: measuresSchema.optional(),
  /** Paths of pictures and tables written beside the result. */
  outputs: z.record(z.string(), z.unknown()).optional(),
});

/** The one result document of orderlens (`orderlens/interaction-result@3`), every modality and estimator. */
export type InteractionResult = z.infer<typeof interactionResultSchema>;
/** The `measures` block of an {@link InteractionResult}. */
export type ResultMeasures = z.infer<typeof measuresSchema>;
/** One sample of an {@link InteractionResult}. */
export type SampleResult = z.infer<typeof sampleSchema>;
/** Model calls of a run by purpose. */
export type ModelCallsByPurpose = z.infer<typeof modelCallsSchema>;

/** The result document's JSON Schema (draft 2020-12), for other tools. */
export function resultJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(interactionResultSchema, { io: 'input' }) as Record<string, unknown>;
}

/**
 * Validates a parsed result document. Errors name the file and the first offending field; a
 * result of an older schema gets a message saying so rather than a list of missing fields.
 */
export function parseResult(value: unknown, source = 'result'): InteractionResult {
  const tag = (value as { schema?: unknown } | null)?.schema;
  // An @2 document is an @3 one without the measures blocks: read it as such.
  if (typeof tag === 'string' && READABLE_OLDER_SCHEMAS.includes(tag))
    return parseResult({ ...(value as Record<string, unknown>), schema: RESULT_SCHEMA }, source);
  if (typeof tag === 'string' && tag !== RESULT_SCHEMA)
    throw new OrderlensInputError(
      source,
      `is a "${tag}" file; this version reads ${[RESULT_SCHEMA, ...READABLE_OLDER_SCHEMAS].join(' and ')} (re-run the analysis to get one)`,
    );
  const parsed = interactionResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new OrderlensInputError(
      `${source}${path}`,
      `not a valid ${RESULT_SCHEMA} document: ${issue.message}`,
    );
  }
  checkResultSizes(parsed.data, source);
  return parsed.data;
}

/**
 * Reads and validates an `orderlens/interaction-result@3` file (the one reader: the CLI, reports,
 * studies use it). Errors name `field` (a missing file, bad JSON, not an object) or the file and
 * the offending field.
 */
export function readResultFile(path: string, field = 'result'): InteractionResult {
  const text = readInputText(path, field);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new OrderlensInputError(field, `${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new OrderlensInputError(field, `${path}: expected a JSON object (an orderlens result)`);
  return parseResult(json, path);
}
