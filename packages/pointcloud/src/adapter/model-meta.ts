import { existsSync, readFileSync } from 'node:fs';
import { OrderlensInputError, resolveInside, type OpenedModel } from '@orderlens/core';

/** What the adapter needs to know about a point-cloud model. */
export interface PointModelInfo {
  /** Input the masked clouds go to. */
  readonly inputName: string;
  /** Points per cloud the model takes; undefined when its input has a dynamic point axis. */
  readonly numPoints?: number;
  /** Class names by id, when the model folder says (meta.json `classes`). */
  readonly classes?: readonly string[];
  /** Where `numPoints` came from, for messages. */
  readonly pointsFrom?: string;
  /** meta.json's normalisation description, recorded in the result. */
  readonly normalization?: unknown;
}

/**
 * Reads the model's point count and input name: from the declared input shape
 * `[batch, N, 3]` when the runtime gives it, else from `meta.json` beside the model (as the
 * bundled ModelNet10 fixtures write: `numPoints`, `input.name`, `classes`, `normalization`).
 * When both give `N` they must agree.
 */
export function pointModelInfo(model: OpenedModel): PointModelInfo {
  // Confined to the model's folder: a meta.json symlinked out of it is refused unread.
  const metaPath = resolveInside(model.dir, 'meta.json', 'meta.json');
  let meta: Record<string, unknown> = {};
  if (existsSync(metaPath)) {
    try {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new OrderlensInputError(metaPath, `is not valid JSON: ${(e as Error).message}`);
    }
  }
  const declared = model.inputs?.[0];
  const inputName =
    declared?.name ??
    (meta.input as { name?: string } | undefined)?.name ??
    model.runner.inputNames[0] ??
    'points';
  const shapeN = declared?.shape?.[1];
  const metaN = typeof meta.numPoints === 'number' ? meta.numPoints : undefined;
  if (
    declared?.shape &&
    declared.shape.length === 3 &&
    typeof declared.shape[2] === 'number' &&
    declared.shape[2] !== 3
  )
    throw new OrderlensInputError(
      '--model',
      `input "${inputName}" has shape [${declared.shape.join(', ')}], expected [batch, N, 3]`,
    );
  if (typeof shapeN === 'number' && metaN !== undefined && shapeN !== metaN)
    throw new OrderlensInputError(
      metaPath,
      `numPoints is ${metaN} but the model's input takes ${shapeN} points`,
    );
  const numPoints = typeof shapeN === 'number' ? shapeN : metaN;
  return {
    inputName,
    numPoints,
    pointsFrom:
      typeof shapeN === 'number'
        ? `the input shape of ${model.file}`
        : metaN !== undefined
          ? `numPoints in ${metaPath}`
          : undefined,
    classes: Array.isArray(meta.classes) ? (meta.classes as string[]) : undefined,
    normalization: meta.normalization,
  };
}
