import { join } from 'node:path';
import type { Command } from 'commander';
import { optionField, probeWritableDir, settingsBlock, writeJsonAtomic } from '@orderlens/core';
import {
  AND_OR_NETWORKS,
  andOrStudy,
  andOrTablesDocument,
  measureAndOrSparsity,
  type AndOrSampleSparsity,
} from '@orderlens/core/reproductions';
import { commandGroup } from '../../util/command-group.js';
import { addBlockOptions, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { writeFileAtomic } from '../../util/plots.js';
import {
  addNetworkStudyOptions,
  failedNetworkEntry,
  networkRows,
  networkStudyPlanFlags,
  networkStudySettings,
  refuseFailedNetworks,
  reproductionCommand,
  runNetworkStudy,
  startReproduction,
  type NetworkStudyFlags,
  type NetworkStudySettings,
} from './run-network-study.js';
import {
  formatAndOrSparsityReport,
  formatAndOrSparsityTable,
  type AndOrSparsityRow,
} from './and-or-sparsity-report.js';

interface AndOrSparsityFlags extends NetworkStudyFlags {
  quick?: boolean;
  samples?: string;
  niter?: string;
}

/** The run's settings, every flag checked before anything runs. */
export interface AndOrSparsityOptions extends NetworkStudySettings {
  readonly samples: number;
  readonly niter: number;
}

/**
 * The two counts of `reproduce and-or-sparsity`, one schema; `--help` and the parsing are derived
 * from it. No defaults here: an absent count takes its `--quick` or full-size value.
 */
export const AND_OR_SPARSITY_OPTIONS = settingsBlock({
  samples: optionField(
    integerFlag({ min: 1 }).optional().describe('samples per network (default 5; --quick 2)'),
    { argument: '<k>' },
  ),
  niter: optionField(
    integerFlag({ min: 1 })
      .optional()
      .describe('SGD iterations of both presets (default 10,000; --quick 1,000)'),
    { argument: '<k>' },
  ),
});

/**
 * Parses the flags (each error names its flag). `--quick`: 2 samples and 1,000 iterations
 * (a test's size); otherwise 5 samples and 10,000 iterations (both presets' default).
 */
export function andOrSparsityOptions(flags: AndOrSparsityFlags): AndOrSparsityOptions {
  const settings = networkStudySettings(flags, AND_OR_NETWORKS);
  const { samples, niter } = parseBlockFlags(AND_OR_SPARSITY_OPTIONS, {
    samples: flags.samples,
    niter: flags.niter,
  });
  return {
    ...settings,
    samples: samples ?? (flags.quick ? 2 : 5),
    niter: niter ?? (flags.quick ? 1000 : 10000),
  };
}

/** `orderlens reproduce and-or-sparsity`: salient count, L1 share and rebuild error per network and preset. */
export function registerReproduceAndOrSparsity(program: Command): void {
  const cmd = commandGroup(program, 'reproduce', 'reproduce experiments of the papers')
    .command('and-or-sparsity')
    .description(
      'sparsity of AND-OR interactions on every network of the project (census MLP-5/8, SST-2 BERT/DistilBERT, PointNet/DGCNN, CIFAR nets with 10 central patches), exact 2^n tables, both presets: salient count, their share of the L1 mass, the error of the output rebuilt from them; a verdict per network and a report page',
    )
    .option('--quick', '2 samples per network and 1,000 iterations (a test’s size)');
  addBlockOptions(cmd, AND_OR_SPARSITY_OPTIONS);
  addNetworkStudyOptions(cmd, 'orderlens-out/reproduce-and-or-sparsity').action(
    async (flags: AndOrSparsityFlags, cmd: Command) => {
      const options = andOrSparsityOptions(flags);
      const plan = networkStudyPlanFlags(flags);
      const { io, t0, out } = startReproduction(cmd, flags.out, plan.dryRun);
      const ran = await runNetworkStudy(cmd, {
        ...plan,
        ...andOrStudy(options.networks, options.root, options.samples, options.seed),
        fileName: 'and-or-study.json',
        out,
        settings: options,
        resume: flags.resume === true,
      });
      if (!ran) return; // --dry-run: the plan only
      const { studyOut, failures } = ran;
      const tablesDir = probeWritableDir(join(out, 'tables'), '--out');
      const perSample: Record<string, readonly AndOrSampleSparsity[] | undefined> = {};
      const rows: AndOrSparsityRow[] = networkRows(
        options.networks,
        studyOut,
        failures,
        (network, result) => {
          const m = measureAndOrSparsity(result, { niter: options.niter, signal: io.signal });
          for (const p of m.presets) perSample[`${network.id}/${p.preset}`] = m.perSample[p.preset];
          // The tables the authors' code is run on (tools/experiments/and_or_authors_compare.py).
          writeJsonAtomic(
            join(tablesDir, `${network.id}.json`),
            andOrTablesDocument(network.id, result.reward, m, options.niter),
          );
          return { network, status: 'done' as const, n: m.n, reward: result.reward, presets: m.presets };
        },
      );
      const wallSeconds = (performance.now() - t0) / 1000;
      const command = reproductionCommand(
        `orderlens reproduce and-or-sparsity${flags.quick ? ' --quick' : ''}`,
        flags,
        ['samples', 'niter', 'networks'],
      );
      writeFileAtomic(
        join(out, 'report.md'),
        formatAndOrSparsityReport({ rows, command, niter: options.niter, seed: options.seed, wallSeconds }),
      );
      writeJsonAtomic(join(out, 'and-or-sparsity.json'), {
        schema: 'orderlens/reproduce-and-or-sparsity@1',
        niter: options.niter,
        samples: options.samples,
        seed: options.seed,
        wallSeconds,
        networks: rows.map((r) =>
          r.status === 'failed'
            ? failedNetworkEntry(r)
            : {
                id: r.network.id,
                modality: r.network.modality,
                status: 'done',
                n: r.n,
                reward: r.reward,
                presets: r.presets.map((p) => ({
                  preset: p.preset,
                  ...p.summary,
                  verdict: p.verdict,
                  seconds: p.seconds,
                  perSample: perSample[`${r.network.id}/${p.preset}`],
                })),
                tables: join('tables', `${r.network.id}.json`),
              },
        ),
      });
      io.stdout(formatAndOrSparsityTable(rows));
      io.stdout(`wrote ${join(out, 'report.md')}, ${join(out, 'and-or-sparsity.json')}, ${tablesDir}\n`);
      refuseFailedNetworks(rows);
    },
  );
}
