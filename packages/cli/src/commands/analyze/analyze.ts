import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { OrderlensInputError, adapters, probeWritableDir, type InteractionResult } from '@orderlens/core';
import { ioOf } from '../../util/io.js';
import { modelFolders, modelName } from '../../util/model-name.js';
import { writeStrengthPlot } from '../../util/strength-plots.js';
import {
  addAdapterOptions,
  addAnalysisOptions,
  addDryRunOption,
  adapterOptionValues,
} from '../../analysis/analysis-options.js';
import { parseRunOptions } from '../../analysis/run-options.js';
import { planAnalysis, runOrPlanModel, type AnalysisFlags } from '../../analysis/analyze-model.js';

/** `orderlens analyze <modality>`, one subcommand per registered adapter. */
export function registerAnalyze(program: Command): void {
  const group = program.commands.find((c) => c.name() === 'analyze') ?? program.command('analyze');
  group.description('multi-order interaction strength J(m) of a model on one modality');
  // A modality comes with its adapter package: name the installed ones rather than commander's
  // bare "unknown command".
  group.on('command:*', (operands: string[]) => {
    throw new OrderlensInputError(
      '<modality>',
      `no modality "${operands[0]}" is installed; installed: ${adapters.names().join(', ') || '(none)'} (a modality comes with its adapter package, e.g. @orderlens/vision)`,
    );
  });
  for (const adapter of adapters.list()) {
    const cmd = group.command(adapter.name).description(adapter.description);
    addAnalysisOptions(cmd, adapter);
    addDryRunOption(cmd);
    addAdapterOptions(cmd, adapter.options.descriptors);
    cmd.action(async (flags: AnalysisFlags & Record<string, unknown>, command: Command) => {
      const io = ioOf(command);
      // Everything is checked before the first model is opened or the first file written.
      const adapterOptions = adapterOptionValues(command, adapter.options, flags);
      const plan = planAnalysis(adapter, flags, adapterOptions);
      const { reward, seed, device, batchSize, threads, budget } = parseRunOptions(flags);
      const dryRun = flags.dryRun === true;
      // A dry run writes nothing, so it does not create or probe --out either.
      const out = dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
      const models = flags.model;
      // Sub-folders and legends by model name (meta.json's name or the model's folder), not
      // by file name: every fixture's file is model.onnx.
      const folders = modelFolders(models);
      const labels = models.map((_, k) => (models.length > 1 ? folders[k] : ''));
      const results: Array<{ label: string; result: InteractionResult }> = [];
      for (const [k, spec] of models.entries()) {
        const dir = labels[k] ? join(out, 'models', labels[k]) : out;
        const result = await runOrPlanModel({
          plan,
          spec,
          dir,
          reward,
          seed,
          device,
          batchSize,
          threads,
          keepDenormals: flags.keepDenormals === true,
          flags,
          command,
          io,
          budget,
          dryRun,
        });
        if (!result) continue;
        results.push({
          label: models.length > 1 ? folders[k] : modelName(result.provenance.model?.file ?? spec),
          result,
        });
      }
      if (dryRun) return;
      const plot = await writeStrengthPlot(
        out,
        results,
        `Interaction strength over orders — ${adapter.name}`,
      );
      io.stdout(`wrote ${plot.svg}\n`);
    });
  }
}
