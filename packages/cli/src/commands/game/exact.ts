import type { Command } from 'commander';
import { gameResultDocument, optionField, settingsBlock, type EstimateResult } from '@orderlens/core';
import {
  MAX_TABLE_PLAYERS,
  exactInteractions,
  loadGameFile,
  parseOrderList,
  yieldingGame,
} from '@orderlens/core/math';
import { packageVersions } from '../../util/plugins.js';
import { withOptionNames } from '../../util/errors.js';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import { addBlockOptions, integerFlag, parseBlockFlags } from '../../util/option-schema.js';
import { progressFor } from '../../util/progress.js';
import { probeResultPath, writeResult } from '../../util/result-io.js';

interface ExactFlags {
  game: string;
  out?: string;
  batchSize: string;
  maxPlayers: string;
  orders?: string;
}

/** The numeric flags of `exact`, one schema; `--help` and the parsing are derived from it. */
export const EXACT_OPTIONS = settingsBlock({
  batchSize: optionField(
    integerFlag({ min: 1 }).prefault('65536').describe('coalitions per game evaluation'),
    { argument: '<k>' },
  ),
  maxPlayers: optionField(
    integerFlag({ min: 0, max: MAX_TABLE_PLAYERS })
      .prefault('24')
      .describe('refuse games with more players (≤ 26: a table holds 2^n values)'),
    { argument: '<n>' },
  ),
});

/** `orderlens exact`: every interaction quantity of a small game from its full table. */
export function registerExact(program: Command): void {
  const cmd = program
    .command('exact')
    .description(
      'exact Harsanyi/OR interactions, Shapley, Banzhaf, SII and multi-order interactions of a game (n ≤ 24): 2^n evaluations',
    )
    .requiredOption('--game <file>', 'game file (JSON): {"n", "values"} or {"n", "v0", "terms"}')
    .option('--out <file>', 'result JSON (atomic write); stdout when omitted or "-"');
  addBlockOptions(cmd, EXACT_OPTIONS).option(
    '--orders <list>',
    'orders of multiOrder: integers m, ratios in [0,1], or "paper" (default: all 0…n−2)',
  );
  cmd.action(async (flags: ExactFlags, cmd: Command) => {
    const io = ioOf(cmd);
    interruptPolicy(cmd, INTERRUPT_POLICIES.stopNothingSaved);
    const { batchSize, maxPlayers } = parseBlockFlags(EXACT_OPTIONS, {
      batchSize: flags.batchSize,
      maxPlayers: flags.maxPlayers,
    });
    probeResultPath(flags.out);
    const loaded = loadGameFile(flags.game, '--game');
    const n = loaded.game.n;
    const parsedOrders =
      flags.orders !== undefined
        ? withOptionNames({ orders: '--orders' }, () => parseOrderList(flags.orders as string, n))
        : undefined;
    const progress = progressFor(cmd, { label: 'exact', unit: 'coalitions' });
    const result: EstimateResult = await exactInteractions(yieldingGame(loaded.game), {
      chunkSize: batchSize,
      maxPlayers,
      orders: parsedOrders?.orders,
      signal: io.signal,
      onProgress: (done, total) => progress.update(done, total),
      details: {
        command: 'exact',
        game: flags.game,
        gameKind: loaded.kind,
        ...(loaded.name ? { gameName: loaded.name } : {}),
      },
    });
    progress.finish();
    const est =
      parsedOrders?.ratios && result.multiOrder
        ? { ...result, multiOrder: { ...result.multiOrder, ratios: parsedOrders.ratios } }
        : result;
    const out = gameResultDocument(est, {
      estimator: 'exact',
      options: { maxPlayers, ...(flags.orders ? { orders: flags.orders } : {}) },
      source: `${flags.game} (${loaded.kind}${loaded.name ? `: ${loaded.name}` : ''})`,
      ...(loaded.name ? { name: loaded.name } : {}),
      packages: packageVersions(),
    });
    const where = writeResult(flags.out, out, io);
    if (where !== 'stdout')
      io.stdout(
        `exact: n = ${n}, ${result.modelCalls} model calls, ${summariseResiduals(result)}; wrote ${where}\n`,
      );
  });
}

function summariseResiduals(result: EstimateResult): string {
  const r = Object.values(result.residuals ?? {}).filter((x) => Number.isFinite(x));
  return r.length ? `max identity residual ${Math.max(...r.map(Math.abs)).toExponential(1)}` : 'no residuals';
}
