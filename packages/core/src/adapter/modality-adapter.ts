import type { CoalitionBatch } from '../coalition/coalition-batch.js';
import type { Masker, ModelRunner } from '../model/contracts.js';
import type { NamedTensors } from '../model/tensor.js';
import type { PairStrategySpec } from '../pairs/strategies.js';
import type { InteractionResult } from '../result/interaction-result.js';
import type { CountedRunner, ModelGateway } from '../runtime/model-gateway.js';
import type { OpenedModel } from '../runtime/runner-registry.js';
import type { PlayersDescriptor } from './players-descriptor.js';
import type { AdapterViews } from './sample-views.js';
import type { OptionBlock, OptionDescriptor } from '../options/option-block.js';

export type { OptionDescriptor };

/** How samples are chosen from the candidates an adapter reads. */
export interface SelectionSpec {
  /**
   * `correct`: only samples the model classifies correctly, then at most `perClass` of them
   * (orderlens' reading of the papers); `all`: every candidate; `first-then-correct`: the first
   * `perClass` candidates of each class in data order, then the misclassified ones dropped, so
   * a class may end up with fewer (what the ICLR-2022 code does: sampler.py takes the first
   * `selected_img_number // classes` images per class, then `check_if_correct_cls` drops errors).
   */
  readonly rule: 'correct' | 'all' | 'first-then-correct';
  /** At most this many per class, taken in data order (default unlimited). */
  readonly perClass?: number;
  /** At most this many samples in all (default unlimited). */
  readonly samples?: number;
  /** Alternate classes while taking samples, so small counts stay balanced (default false). */
  readonly balance?: boolean;
  /**
   * Order of the analysed samples (it keys their random streams): `data` (default) or `class`
   * (class 0's samples first, each class in data order — the ICLR-2022 code's order).
   */
  readonly order?: 'data' | 'class';
}

/** Which adapter option names the data the samples come from (see {@link ModalityAdapter.sampleSource}). */
export interface SampleSourceOption {
  /** The option's key in the adapter's option block. */
  readonly option: string;
  /** A split of one data set, or a data source of its own. */
  readonly kind: 'split' | 'source';
}

/** A named analysis recipe of an adapter (`--protocol`): an estimator, its options and pairs. */
export interface AnalysisProtocol {
  readonly name: string;
  readonly description: string;
  readonly estimator: string;
  readonly estimatorOptions: Record<string, unknown>;
  readonly pairs?: PairStrategySpec;
  readonly selection?: Partial<SelectionSpec>;
}

/** The players of one sample: what they are, and how to mask them. */
export interface SamplePlayers {
  readonly descriptor: PlayersDescriptor;
  readonly masker: Masker;
  /**
   * The runner the masked inputs go to, when it is not the model itself (a feature-map suffix).
   * It is wrapped for call counting like the model.
   */
  readonly runner?: ModelRunner;
  /** Releases what building the players allocated (a graph cut). */
  dispose?(): Promise<void>;
}

/** What an adapter opens for one analysis: the candidates, their inputs and players. */
/** Where a noise measure's `ε` is added and the scale of the values it is added to. */
export interface NoiseScale {
  /** Where `ε` is added, e.g. `word-embeddings` (text on ONNX models). */
  readonly space: string;
  /** The model's tensor the noise is added to (text: the word-embedding initializer's name). */
  readonly table?: string;
  /** Its width (text: the embedding size). */
  readonly width?: number;
  /** Root mean square of that tensor's entries: `δ / rms` is comparable across models. */
  readonly rms: number;
  /**
   * Standard deviation of the values around their mean (tables, images, point clouds: the model
   * inputs over the candidates, {@link inputValueScale}); `δ / std` is the noise-to-data ratio.
   */
  readonly std?: number;
  /** Tables: each input column's standard deviation (`δ` is the same on every column). */
  readonly perFeature?: { readonly names: readonly string[]; readonly std: readonly number[] };
  /** The values the statistics were taken over. */
  readonly over?: string;
}

export interface ModalitySession {
  /** The data spec as the user gave it, resolved (for provenance). */
  readonly data: string;
  /** Number of candidate samples. */
  readonly candidates: number;
  /** Number of classes the labels range over. */
  readonly classes?: number;
  /** Stable id and label of candidate `k`. */
  candidate(k: number): { readonly id: string; readonly label: number };
  /**
   * Predicts the labels the data does not give (unlabelled text is explained for the class the
   * model predicts) for `indices`, or every candidate when omitted, through `runner`, which the
   * caller's gateway counts (as `labels`). Labels already known are not predicted again. The selection
   * calls it before it reads any label, and {@link computeSample} for its own sample, so a resumed
   * process predicts only the samples it computes. Until then such a candidate's label is −1.
   */
  predictLabels?(runner: CountedRunner, indices?: readonly number[]): Promise<void>;
  /** Unmasked model inputs of candidates `[start, end)`, for sample selection. */
  inputs(start: number, end: number): NamedTensors | Promise<NamedTensors>;
  /**
   * Players of candidate `k`. `gateway` counts model calls the adapter makes to build them
   * (e.g. the feature-map prefix). The analysis wraps `runner` itself.
   */
  players(k: number, gateway: ModelGateway): Promise<SamplePlayers>;
  /**
   * Players of candidate `k` with its unmasked input perturbed first: `perturb` adds noise in
   * place to the input's values (model-input units), then players are built as by
   * {@link players} — absent players still take the baseline, so `x_S` is `(x + ε)_S`. The
   * noise-sensitivity measure needs it; adapters without it cannot run that measure.
   */
  perturbedPlayers?(
    k: number,
    perturb: (input: Float32Array) => void,
    gateway: ModelGateway,
  ): Promise<SamplePlayers>;
  /**
   * What `δ` of {@link perturbedPlayers} is measured against, when the adapter adds the noise
   * somewhere other than its own input rows (text: a word-embedding table of the model), so a
   * result records the scale and `δ` can be compared across models without the docs.
   */
  noiseScale?(): Promise<NoiseScale>;
  /** Settings that determine the numbers (preprocessing, players rule, baseline): recorded and fingerprinted. */
  readonly details: Record<string, unknown>;
  /** Pictures for a finished result (heat maps, word arcs, point views): name → paths written. */
  writePictures?(result: InteractionResult, outDir: string): Promise<Record<string, string[]>>;
  dispose?(): Promise<void>;
}

/** What {@link ModalityAdapter.open} receives. */
export interface AdapterOpenRequest {
  /** Options parsed by the adapter's descriptors (keys as in {@link OptionDescriptor.key}). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly model: OpenedModel;
  readonly signal?: AbortSignal;
  /** Where warnings go (stderr in the CLI); they are also recorded in the result. */
  readonly warn?: (message: string) => void;
}

/**
 * A modality: how its data is read, what its players are, how absence is simulated. Each adapter
 * package (`@orderlens/vision`, `nlp`, `pointcloud`, `tabular`) registers one with
 * {@link adapters}; the analysis runner, the CLI, studies and workers use only this contract.
 */
export interface ModalityAdapter {
  /** The id users type: `vision`, `text`, `pointcloud`, `tabular`. */
  readonly name: string;
  readonly description: string;
  /**
   * The adapter's own options (data source, players, masking, preprocessing): one zod schema,
   * from which the CLI's flags and help, study-file checks and worker payloads are derived.
   */
  readonly options: OptionBlock<Record<string, unknown>>;
  /** Named recipes; the first is the default unless {@link defaultProtocol} says otherwise. */
  readonly protocols: readonly AnalysisProtocol[];
  readonly defaultProtocol: string;
  /** Samples taken when the user does not say (selection rule, counts). */
  readonly defaultSelection: SelectionSpec;
  /** Data sources it reads, for help and docs (e.g. `cifar10[:split]`, `<folder>`). */
  readonly dataSources: readonly string[];
  /**
   * The option (a key of {@link options}) that says which data the samples come from: the one a
   * measure that compares two data sides (generalization's training and test samples) sets to
   * each side. `split`: a split of one data set (tabular `split`: train, test); `source`: a data
   * source of its own (vision `dataset`, text `sentences`, pointcloud `clouds`). Absent: the
   * adapter's samples have no second side.
   */
  readonly sampleSource?: SampleSourceOption;
  /** Checks options and data, binds them to the model. Validates everything before any work. */
  open(request: AdapterOpenRequest): Promise<ModalitySession>;
  /**
   * Checks the adapter's options against the estimator the plan chose (an option that only
   * some estimators can serve, e.g. pictures of values only the exact estimator gives), so such
   * a run is refused when it is planned, not after every sample has been computed. Optional;
   * `planAnalysis` calls it last.
   */
  checkPlan?(plan: AdapterPlanCheck): void;
  /**
   * Whether a set `S` of players names the same players on every sample under these options, as
   * generalization and transfer across samples need (they compare `S` between samples): undefined
   * when it does, else why not and, where one exists, the option that would make it so. Asked
   * before any model is opened. Optional: without it every sample has the same players.
   */
  unsharedPlayers?(options: Readonly<Record<string, unknown>>): UnsharedPlayers | undefined;
  /**
   * Key of the option that sets how many players a sample has (`players`, `words`, `grid`):
   * named when a sample has more players than an estimator or a measure handles. Optional.
   */
  readonly playersOption?: string;
  /**
   * Pictures of a finished result's samples for the report (heat maps, word arcs, point-cloud
   * scenes, pair matrices), drawn in the adapter's package; the report finds them through the
   * registry by the result's `modality`. Optional: without it the report draws a pair matrix.
   */
  readonly views?: AdapterViews;
}

/** Why a run's samples have players of their own ({@link ModalityAdapter.unsharedPlayers}). */
export interface UnsharedPlayers {
  /** Key of the adapter option that decides it (its flag names the error), when one does. */
  readonly option?: string;
  /** Why a set of players means something different on two samples, and what to do. */
  readonly reason: string;
}

/** What {@link ModalityAdapter.checkPlan} sees of a plan. */
export interface AdapterPlanCheck {
  readonly protocol: string;
  readonly estimatorName: string;
  readonly estimatorOptions: Record<string, unknown>;
  readonly adapterOptions: Readonly<Record<string, unknown>>;
  /** The pair strategy of a sampled estimator (absent when every pair is measured). */
  readonly pairs?: PairStrategySpec;
  /**
   * The field that names adapter option `key` in errors: its CLI flag (`--arcs`), or its place
   * in a study file (`models[2].options.arcs`).
   */
  readonly optionField: (key: string) => string;
}

/** A coalition batch bound to a masker: re-exported for adapters writing maskers. */
export type { CoalitionBatch };
