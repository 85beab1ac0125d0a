import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  OrderlensInputError,
  parseDevice,
  probeWritableDir,
  readStudyResult,
  writeJsonAtomic,
  type InteractionResult,
} from '@orderlens/core';
import {
  andOrSparsityVerdict,
  extractAndOrBatch,
  summariseAndOrSparsity,
  zetaInPlace,
  type AndOrPreset,
} from '@orderlens/core/math';
import { globalFlags, interruptPolicy, INTERRUPT_POLICIES, ioOf } from '../../util/io.js';
import { parseInteger, parseList } from '../../util/options.js';
import { writeFileAtomic } from '../../util/plots.js';
import { defaultRepositoryRoot } from './bottleneck.js';
import { addNetworkStudyOptions, networkStudyPlanFlags, runNetworkStudy } from './run-network-study.js';
import type { BottleneckNetwork } from './bottleneck-networks.js';
import { andOrStudy, selectAndOrNetworks } from './and-or-sparsity-networks.js';
import {
  formatAndOrSparsityReport,
  formatAndOrSparsityTable,
  type AndOrPresetRow,
  type AndOrSparsityRow,
} from './and-or-sparsity-report.js';

interface AndOrSparsityFlags {
  quick?: boolean;
  networks?: string;
  samples?: string;
  niter?: string;
  root?: string;
  seed: string;
  device?: string;
  threads?: string;
  out: string;
  resume?: boolean;
  budget?: string;
  dryRun?: boolean;
}

/** Both presets, in report order. */
export const AND_OR_SPARSITY_PRESETS: readonly AndOrPreset[] = ['orderlens', 'authors'];

/** The run's settings, every flag checked before anything runs. */
export interface AndOrSparsityOptions {
  readonly networks: BottleneckNetwork[];
  readonly samples: number;
  readonly niter: number;
  readonly root: string;
  readonly seed: number;
  readonly device?: ReturnType<typeof parseDevice>;
  readonly threads?: number;
}

/**
 * Parses the flags (each error names its flag). `--quick`: 2 samples and 1,000 iterations
 * (a test's size); otherwise 5 samples and 10,000 iterations (both presets' default).
 */
export function andOrSparsityOptions(flags: AndOrSparsityFlags): AndOrSparsityOptions {
  return {
    networks: selectAndOrNetworks(
      flags.networks !== undefined ? parseList(flags.networks, '--networks') : undefined,
    ),
    samples:
      flags.samples !== undefined
        ? parseInteger(flags.samples, '--samples', { min: 1 })
        : flags.quick
          ? 2
          : 5,
    niter:
      flags.niter !== undefined
        ? parseInteger(flags.niter, '--niter', { min: 1 })
        : flags.quick
          ? 1000
          : 10000,
    root: resolve(flags.root ?? defaultRepositoryRoot()),
    seed: parseInteger(flags.seed, '--seed', { min: 0 }),
    ...(flags.device !== undefined ? { device: parseDevice(flags.device, '--device') } : {}),
    ...(flags.threads !== undefined ? { threads: parseInteger(flags.threads, '--threads', { min: 1 }) } : {}),
  };
}

/**
 * The exact value tables of a result (`keepTables`): `v = ζ(h)`, the zeta transform of each
 * sample's Harsanyi table, sample-major, mask bit `j` = player `j`.
 */
export function valueTables(result: InteractionResult): { n: number; ids: string[]; tables: Float64Array[] } {
  const n = result.n;
  const tables = result.samples.map((s) => {
    if (!s.harsanyi || s.harsanyi.length !== 2 ** n)
      throw new OrderlensInputError(
        'result',
        `sample ${s.id} has no Harsanyi table of 2^${n} values (the study must keep tables)`,
      );
    return zetaInPlace(Float64Array.from(s.harsanyi));
  });
  return { n, ids: result.samples.map((s) => s.id), tables };
}

/** `orderlens reproduce and-or-sparsity`: salient count, L1 share and rebuild error per network and preset. */
export function registerReproduceAndOrSparsity(program: Command): void {
  const group =
    program.commands.find((c) => c.name() === 'reproduce') ??
    program.command('reproduce').description('reproduce experiments of the papers');
  const cmd = group
    .command('and-or-sparsity')
    .description(
      'sparsity of AND-OR interactions on every network of the project (census MLP-5/8, SST-2 BERT/DistilBERT, PointNet/DGCNN, CIFAR nets with 10 central patches), exact 2^n tables, both presets: salient count, their share of the L1 mass, the error of the output rebuilt from them; a verdict per network and a report page',
    )
    .option('--quick', '2 samples per network and 1,000 iterations (a test’s size)')
    .option('--networks <list>', 'measure only these networks (ids as in the report; default all)')
    .option('--samples <k>', 'samples per network (default 5; --quick 2)')
    .option('--niter <k>', 'SGD iterations of both presets (default 10,000; --quick 1,000)');
  addNetworkStudyOptions(cmd, 'orderlens-out/reproduce-and-or-sparsity').action(
    async (flags: AndOrSparsityFlags, cmd: Command) => {
      const io = ioOf(cmd);
      const { quiet } = globalFlags(cmd);
      interruptPolicy(cmd, INTERRUPT_POLICIES.dropSample);
      const t0 = performance.now();
      const options = andOrSparsityOptions(flags);
      const plan = networkStudyPlanFlags(flags);
      // A dry run writes nothing, so it neither creates nor probes --out.
      const out = plan.dryRun ? resolve(flags.out) : probeWritableDir(resolve(flags.out), '--out');
      const { study: studyFile, missing } = andOrStudy(
        options.networks,
        options.root,
        options.samples,
        options.seed,
      );
      const ran = await runNetworkStudy({
        ...plan,
        study: studyFile,
        missing,
        fileName: 'and-or-study.json',
        out,
        root: options.root,
        resume: flags.resume === true,
        device: options.device,
        threads: options.threads,
        quiet,
        io,
      });
      if (!ran) return; // --dry-run: the plan only
      const { studyOut, failures } = ran;
      const tablesDir = probeWritableDir(join(out, 'tables'), '--out');
      const perSample: Record<string, unknown> = {};
      const rows: AndOrSparsityRow[] = options.networks.map((network) => {
        const result = failures.has(network.id) ? undefined : readStudyResult(studyOut, network.id);
        if (!result)
          return { network, status: 'failed', reason: failures.get(network.id) ?? 'no result was written' };
        const { n, ids, tables } = valueTables(result);
        const presets: AndOrPresetRow[] = [];
        const exported: Record<string, unknown> = {};
        for (const preset of AND_OR_SPARSITY_PRESETS) {
          const te = performance.now();
          const { decompositions } = extractAndOrBatch(tables, n, {
            preset,
            niter: options.niter,
            signal: io.signal,
          });
          const { perSample: each, summary } = summariseAndOrSparsity(decompositions);
          presets.push({
            preset,
            summary,
            verdict: andOrSparsityVerdict(summary),
            seconds: (performance.now() - te) / 1000,
          });
          perSample[`${network.id}/${preset}`] = each.map((s, i) => ({
            id: ids[i],
            ...s,
            finalLoss: decompositions[i].finalLoss,
            initialLoss: decompositions[i].initialLoss,
            tau: decompositions[i].tau,
          }));
          if (preset === 'authors')
            exported.authors = decompositions.map((d) => ({
              and: Array.from(d.and),
              or: Array.from(d.or),
              finalLoss: d.finalLoss,
              tau: d.tau,
              salientAnd: Array.from(d.salient.and),
              salientOr: Array.from(d.salient.or),
            }));
        }
        // The tables the authors' code is run on (tools/experiments/and_or_authors_compare.py).
        writeJsonAtomic(join(tablesDir, `${network.id}.json`), {
          schema: 'orderlens/and-or-tables@1',
          network: network.id,
          n,
          reward: result.reward,
          maskOrder:
            'values[T] = v(T) for the coalition T whose bit j (value 2^j) is set iff player j is present; T = 0 is the empty coalition, 2^n − 1 the full one',
          niter: options.niter,
          samples: ids.map((id, i) => ({ id, values: Array.from(tables[i]) })),
          ...exported,
        });
        return { network, status: 'done', n, reward: result.reward, presets };
      });
      const wallSeconds = (performance.now() - t0) / 1000;
      const extra = (['samples', 'niter', 'networks'] as const)
        .filter((k) => flags[k] !== undefined)
        .map((k) => ` --${k} ${flags[k]}`)
        .join('');
      const command = `orderlens reproduce and-or-sparsity${flags.quick ? ' --quick' : ''}${extra}`;
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
            ? { id: r.network.id, modality: r.network.modality, status: 'failed', reason: r.reason }
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
      const failed = rows.filter((r) => r.status === 'failed');
      // Named and exit 1: a network that could not be measured is never left out silently.
      if (failed.length)
        throw new Error(
          `${failed.length} of ${rows.length} networks failed: ${failed.map((f) => `${f.network.id} (${f.status === 'failed' ? f.reason : ''})`).join('; ')}; the report lists them`,
        );
    },
  );
}
