import { join } from 'node:path';
import type { ModalitySession } from '../adapter/modality-adapter.js';
import { writeJsonAtomic } from '../result/estimate-result.js';
import type { InteractionResult } from '../result/interaction-result.js';

/**
 * What a front end adds to a finished analysis beyond what core writes itself. Core has no
 * rasteriser and no plotting: the CLI injects both, so `analyze`, studies and workers write the
 * same outputs when they get the same rendering.
 */
export interface AnalysisRendering {
  /**
   * Called with the adapter's pictures (name → paths written, SVG) once they are written;
   * returns the paths to record (e.g. each SVG with a PNG beside it).
   */
  pictures?(written: Record<string, string[]>): Promise<Record<string, string[]>> | Record<string, string[]>;
  /** Draws the interaction-strength plot of `result` into `dir`; recorded as `outputs.strength`. */
  strengthPlot?(result: InteractionResult, dir: string, label: string): Promise<unknown>;
  /**
   * Further pictures of the result (e.g. the AND-OR picture of an `and-or` result), drawn into
   * `dir`; each entry is recorded under its name in `outputs`.
   */
  plots?(result: InteractionResult, dir: string, label: string): Promise<Record<string, unknown>>;
}

/** Options of {@link finishAnalysis}. */
export interface FinishAnalysisOptions {
  /** Folder of the pictures and the plot. */
  readonly dir: string;
  /** Where the result document goes (default `<dir>/result.json`). */
  readonly resultPath?: string;
  /** The adapter session, for its pictures. */
  readonly session: Pick<ModalitySession, 'writePictures'>;
  /** Warnings the adapter gave while opening: kept first among the selection's warnings. */
  readonly warnings?: readonly string[];
  /** Names the model in the plot (e.g. the model file's name). */
  readonly modelLabel: string;
  readonly rendering?: AnalysisRendering;
  /** Further outputs of the finished result (the measures' own plots), added to `outputs`. */
  readonly extraOutputs?: (result: InteractionResult, dir: string) => Promise<Record<string, unknown>>;
}

/**
 * The finish step of every analysis — `orderlens analyze`, a study model, a worker's aggregate:
 * the adapter's warnings into the selection, the adapter's pictures, the rendering's plot, then
 * `result.json` with every output recorded, written atomically (before the run is marked
 * complete by the caller, so a crash here is finished by a resume).
 */
export async function finishAnalysis(
  result: InteractionResult,
  options: FinishAnalysisOptions,
): Promise<InteractionResult> {
  const { dir, rendering } = options;
  const warnings = options.warnings ?? [];
  const withWarnings: InteractionResult = warnings.length
    ? {
        ...result,
        selection: {
          ...result.selection!,
          warnings: [...warnings, ...(result.selection?.warnings ?? [])],
        },
      }
    : result;
  const written = options.session.writePictures ? await options.session.writePictures(withWarnings, dir) : {};
  const pictures = rendering?.pictures ? await rendering.pictures(written) : written;
  const strength = rendering?.strengthPlot
    ? await rendering.strengthPlot(withWarnings, dir, options.modelLabel)
    : undefined;
  const plots = rendering?.plots ? await rendering.plots(withWarnings, dir, options.modelLabel) : {};
  const extra = options.extraOutputs ? await options.extraOutputs(withWarnings, dir) : {};
  const final: InteractionResult = {
    ...withWarnings,
    outputs: { ...(strength !== undefined ? { strength } : {}), ...plots, ...pictures, ...extra },
  };
  writeJsonAtomic(options.resultPath ?? join(dir, 'result.json'), final);
  return final;
}
