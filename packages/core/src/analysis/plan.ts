import type { ModalityAdapter, SelectionSpec } from '../adapter/modality-adapter.js';
import { flagName } from '../adapter/option-values.js';
import { OrderlensInputError } from '../errors/errors.js';
import { estimators } from '../estimators/registry.js';
import { parseSettingsBlock } from '../options/option-block.js';
import { parseWithSchema } from '../options/parse-options.js';
import { ANALYSIS_SETTINGS } from './analysis-settings.js';
import type { PairStrategySpec } from '../pairs/strategies.js';

/**
 * The analysis settings shared by every modality, as a user gives them: CLI flags (strings) or
 * study-file values (numbers, lists). Everything is optional; the adapter's protocol fills in.
 */
export interface AnalysisSettings {
  /** Protocol name (default: the adapter's default protocol). */
  readonly protocol?: string;
  /** Overrides the protocol's estimator. */
  readonly estimator?: string;
  /** Estimator options on top of the protocol's (study files; the CLI has single flags). */
  readonly estimatorOptions?: Readonly<Record<string, unknown>>;
  readonly contexts?: string | number;
  readonly repeats?: string | number;
  /** Order ratios: `"0,0.5,1"` or a list. */
  readonly ratios?: string | readonly (number | string)[];
  /** Pairs per sample (sampled estimators). */
  readonly pairs?: string | number;
  /** Radius of grid pairs / distance of sequence pairs / k of spatial pairs. */
  readonly radius?: string | number;
  readonly maxPlayers?: string | number;
  /** AND-OR estimator: `orderlens` or `authors` conventions, and SGD iterations. */
  readonly preset?: string;
  readonly niter?: string | number;
  readonly samples?: string | number;
  readonly perClass?: string | number;
  /** Take samples whether or not the model classifies them correctly. */
  readonly allSamples?: boolean;
  /** Adaptive estimator: relative half-width of the J(m) interval at which an order stops growing. */
  readonly targetError?: string | number;
  /** Adaptive estimator: average contexts per (pair, order) the run may spend. */
  readonly budgetContexts?: string | number;
  /** Reference estimator: contexts in antithetic pairs (recorded in the estimator's options). */
  readonly antithetic?: boolean;
}

/** The settings keys, for naming fields in messages. */
export type AnalysisSettingKey = keyof AnalysisSettings;

/** What an analysis run is, fully parsed, before any model is opened. */
export interface AnalysisPlan {
  readonly adapter: ModalityAdapter;
  readonly protocol: string;
  readonly estimatorName: string;
  readonly estimatorOptions: Record<string, unknown>;
  readonly pairs?: PairStrategySpec;
  readonly selection: SelectionSpec;
  readonly adapterOptions: Record<string, unknown>;
}

/**
 * The settings' keys: the logical paths that errors of {@link planAnalysis} name by default. A
 * front end names them its own way (the CLI maps each to its flag, a study to its file path).
 */
export const ANALYSIS_SETTING_KEYS: readonly AnalysisSettingKey[] = [
  'protocol',
  'estimator',
  'estimatorOptions',
  'contexts',
  'repeats',
  'ratios',
  'pairs',
  'radius',
  'maxPlayers',
  'preset',
  'niter',
  'samples',
  'perClass',
  'allSamples',
  'targetError',
  'budgetContexts',
  'antithetic',
];

/**
 * Turns the shared settings into a plan: the protocol's estimator and options with the
 * settings on top (an option the estimator lacks is refused, not ignored), its pair strategy
 * with count and radius applied, and the sample selection (adapter default, then protocol, then
 * settings). Errors name the field through `fieldOf` — the setting's key by default (a logical
 * path: `contexts`), CLI flags for the CLI, study-file paths such as `models[2].contexts` for
 * studies.
 */
export function planAnalysis(
  adapter: ModalityAdapter,
  settings: AnalysisSettings,
  adapterOptions: Record<string, unknown>,
  fieldOf: (key: AnalysisSettingKey) => string = (key) => key,
  optionField: (key: string) => string = (key) => {
    const d = adapter.options.descriptors.find((o) => o.key === key);
    return d ? flagName(d) : key;
  },
): AnalysisPlan {
  const protocolName = settings.protocol ?? adapter.defaultProtocol;
  const protocol = adapter.protocols.find((p) => p.name === protocolName);
  if (!protocol)
    throw new OrderlensInputError(
      fieldOf('protocol'),
      `unknown protocol "${protocolName}" for ${adapter.name}; expected one of ${adapter.protocols.map((p) => p.name).join(', ')}`,
    );
  const estimatorName = settings.estimator ?? protocol.estimator;
  const estimator = estimators.get(estimatorName, fieldOf('estimator'));
  const own = settings.estimator === undefined || settings.estimator === protocol.estimator;
  const raw: Record<string, unknown> = {
    ...(own ? protocol.estimatorOptions : {}),
    ...(settings.estimatorOptions ?? {}),
  };
  // Every shared setting read by its schema (text or numbers); errors name it through fieldOf.
  const given = parseSettingsBlock(ANALYSIS_SETTINGS, settings, (key) => fieldOf(key as AnalysisSettingKey));
  const shape = estimator.options as unknown as { shape?: Record<string, unknown> };
  const accepts = (key: string) => shape.shape === undefined || key in shape.shape;
  const fromSettings = new Set<string>();
  const put = (key: AnalysisSettingKey, value: unknown) => {
    if (value === undefined) return;
    if (!accepts(key))
      throw new OrderlensInputError(fieldOf(key), `the ${estimatorName} estimator has no such option`);
    raw[key] = value;
    fromSettings.add(key);
  };
  for (const key of [
    'contexts',
    'repeats',
    'maxPlayers',
    'preset',
    'niter',
    'targetError',
    'budgetContexts',
    'ratios',
    'antithetic',
  ] as const)
    put(key, given[key]);
  let estimatorOptions: Record<string, unknown>;
  try {
    estimatorOptions = parseWithSchema(estimator.options, raw, fieldOf('estimatorOptions')) as Record<
      string,
      unknown
    >;
  } catch (e) {
    // A value the estimator refuses that came from a setting (`maxPlayers: 30`) is reported at
    // that setting, not at the estimator options it was copied into (which may not exist).
    const prefix = `${fieldOf('estimatorOptions')}.`;
    if (e instanceof OrderlensInputError && e.field.startsWith(prefix)) {
      const key = e.field.slice(prefix.length).split('.')[0];
      if (fromSettings.has(key))
        throw new OrderlensInputError(
          fieldOf(key as AnalysisSettingKey),
          e.message.slice(e.field.length + 2),
        );
    }
    throw e;
  }
  // Checks across options (e.g. antithetic contexts need an even count), before any work: the
  // error names the first option at fault that a setting gave, else the first estimator option.
  const fault = estimator.checkOptions?.(estimatorOptions as never);
  if (fault) {
    const bySetting = fault.keys.find((k) => fromSettings.has(k));
    throw new OrderlensInputError(
      bySetting !== undefined
        ? fieldOf(bySetting as AnalysisSettingKey)
        : `${fieldOf('estimatorOptions')}.${fault.keys[0]}`,
      fault.message,
    );
  }

  let pairs: PairStrategySpec | undefined;
  if (estimator.usesPairs) {
    pairs =
      own && protocol.pairs
        ? { ...protocol.pairs }
        : (adapter.protocols.find((p) => p.pairs)?.pairs ?? { name: 'all' });
    const count = given.pairs;
    const radius = given.radius;
    if (pairs.name === 'grid')
      pairs = { ...pairs, ...(count ? { count } : {}), ...(radius ? { radius } : {}) };
    else if (pairs.name === 'sequence')
      pairs = { ...pairs, ...(count ? { count } : {}), ...(radius ? { maxDistance: radius } : {}) };
    else if (pairs.name === 'spatial')
      pairs = { ...pairs, ...(count ? { count } : {}), ...(radius ? { k: radius } : {}) };
    else if (count || radius)
      throw new OrderlensInputError(
        fieldOf(count ? 'pairs' : 'radius'),
        `the ${pairs.name} pair strategy takes no count or radius`,
      );
  } else {
    for (const key of ['pairs', 'radius'] as const)
      if (settings[key] !== undefined) {
        const f = fieldOf(key);
        throw new OrderlensInputError(
          f,
          `the ${estimatorName} estimator measures every pair; ${f} applies to sampled estimators`,
        );
      }
  }
  const selection: SelectionSpec = {
    ...adapter.defaultSelection,
    ...(own ? (protocol.selection ?? {}) : {}),
    ...(given.allSamples ? { rule: 'all' as const } : {}),
    ...(given.samples !== undefined ? { samples: given.samples } : {}),
    ...(given.perClass !== undefined ? { perClass: given.perClass } : {}),
  };
  const plan: AnalysisPlan = {
    adapter,
    protocol: protocol.name,
    estimatorName,
    estimatorOptions,
    pairs,
    selection,
    adapterOptions,
  };
  adapter.checkPlan?.({ ...plan, optionField });
  return plan;
}

/** The adapter options of a plan that change the numbers (fingerprinted for resume). */
export function resultAdapterOptions(plan: AnalysisPlan): Record<string, unknown> {
  const keep = new Set(
    plan.adapter.options.descriptors.filter((d) => d.affectsResult !== false).map((d) => d.key),
  );
  return Object.fromEntries(Object.entries(plan.adapterOptions).filter(([k]) => keep.has(k)));
}
