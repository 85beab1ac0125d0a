import { basename, join, relative } from 'node:path';
import type { Command } from 'commander';
import {
  InterruptedError,
  openModel,
  writeJsonAtomic,
  type DeviceName,
  type ModalityAdapter,
  type RewardName,
  type SelectionSpec,
} from '@orderlens/core';
import { runModelDynamics, type DynamicsResult } from '@orderlens/core/dynamics';
import type { FolderCheckpoint } from '@orderlens/runtime-tfjs';
import { ioOf } from '../../util/io.js';
import { packageVersions } from '../../util/plugins.js';
import { progressFor } from '../../util/progress.js';
import { writeDynamicsFigures } from './dynamics-plots.js';

/** Everything one dynamics run needs, checked by the caller before it is built. */
export interface DynamicsRunRequest {
  readonly command: Command;
  readonly adapter: ModalityAdapter;
  readonly adapterOptions: Record<string, unknown>;
  /** The checkpoints, in epoch order (`readCheckpointFolder`). */
  readonly folder: readonly FolderCheckpoint[];
  /** The field checkpoint errors name (`--checkpoints`, `--series`). */
  readonly field: string;
  readonly selection: SelectionSpec;
  readonly reward: RewardName;
  readonly andOr: {
    readonly preset: 'orderlens' | 'authors';
    readonly niter: number;
    readonly qthres?: number;
    readonly lr?: number;
    readonly shiftEmpty?: boolean;
  };
  readonly device: DeviceName;
  readonly threads?: number;
  readonly batchSize: number;
  /** Output folder (already probed writable). */
  readonly out: string;
  /** Epochs drawn in the distribution figure. */
  readonly curves: number;
  /** Recorded in the document's provenance. */
  readonly options: Record<string, unknown>;
}

/**
 * Runs `runModelDynamics` over a checkpoint folder with progress on stderr, then writes the
 * figures and `dynamics.json` into `out` (shared by `orderlens dynamics` and `reproduce
 * two-phase`). Ctrl-C stops after the current step and writes nothing.
 */
export async function runDynamicsToFolder(
  r: DynamicsRunRequest,
): Promise<{ result: DynamicsResult; path: string }> {
  const io = ioOf(r.command);
  const K = r.folder.length;
  const progress = progressFor(r.command, { label: 'dynamics', total: K, unit: 'checkpoints' });
  progress.log(`dynamics: ${K} checkpoints (epochs ${r.folder.map((c) => c.epoch).join(', ')})`);
  let result: DynamicsResult;
  try {
    result = await runModelDynamics({
      modality: r.adapter.name,
      checkpoints: r.folder.map((c) => ({
        epoch: c.epoch,
        source: relative(process.cwd(), c.file) || basename(c.file),
        architecture: c.architecture,
        losses: c.losses,
        open: () => openModel({ spec: c.file, device: r.device, threads: r.threads, field: r.field }),
      })),
      openSession: (model) =>
        r.adapter.open({
          options: r.adapterOptions,
          model,
          signal: io.signal,
          // Every checkpoint opens the data; say a warning once.
          warn: (() => {
            const said = new Set<string>();
            return (m: string) => {
              if (!said.has(m)) io.stderr(`warning: ${m}\n`);
              said.add(m);
            };
          })(),
        }),
      selection: r.selection,
      reward: r.reward,
      andOr: r.andOr,
      batchSize: r.batchSize,
      signal: io.signal,
      packages: packageVersions(),
      options: r.options,
      onEvent: (e) => {
        if (e.type === 'warning') io.stderr(`warning: ${e.message}\n`);
        else if (e.type === 'selected')
          progress.log(`chose ${e.samples} samples with the checkpoint of epoch ${e.epoch}`);
        else if (e.type === 'checkpoint') {
          const c = e.result;
          const gap = c.losses.lossGap;
          progress.log(
            `epoch ${c.epoch}: ${c.andOr.salientCount} salient interactions, ${c.modelCalls} model calls` +
              (gap !== null ? `, loss gap ${gap.toFixed(4)}` : '') +
              ` (${(c.wallTimeMs / 1000).toFixed(1)}s)`,
          );
          progress.update(e.index + 1);
        }
      },
    });
  } catch (e) {
    if (io.signal.aborted)
      throw new InterruptedError(
        'interrupted: dynamics stopped before every checkpoint was measured; nothing was written',
      );
    throw e;
  } finally {
    progress.finish();
  }
  const figures = await writeDynamicsFigures(result, r.out, r.curves);
  const path = join(r.out, 'dynamics.json');
  writeJsonAtomic(path, { ...result, outputs: figures });
  return { result: { ...result, outputs: { ...figures } }, path };
}
