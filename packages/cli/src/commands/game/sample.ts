import type { Command } from 'commander';
import { OrderlensInputError, Rng, optionField, settingsBlock } from '@orderlens/core';
import {
  loadGameFile,
  parseOrderList,
  referencePairs,
  sampleMultiOrder,
  yieldingGame,
} from '@orderlens/core/math';
import { withOptionNames } from '../../util/errors.js';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import { parseGrid, parseInteger, parsePairList, parseSeed } from '../../util/options.js';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  parseBlockFlags,
  parsedText,
} from '../../util/option-schema.js';
import { progressFor } from '../../util/progress.js';
import { probeResultPath, writeResult } from '../../util/result-io.js';
import { gameResultDocument } from '@orderlens/core';

interface SampleFlags {
  game: string;
  out?: string;
  pairs?: string;
  grid?: string;
  radius: string;
  numPairs: string;
  orders: string;
  contexts: string;
  seed: string;
  mode: string;
  batchSize?: string;
}

/**
 * The numeric and choice flags of `sample`, one schema; `--help` and the parsing are derived
 * from it. `--num-pairs` stays by hand: its key `numPairs` is `--pairs` in the CLI's path→flag
 * table, so a block error would name the wrong flag.
 */
export const SAMPLE_OPTIONS = settingsBlock({
  radius: optionField(
    integerFlag({ min: 1 })
      .prefault('2')
      .describe('with --grid: Chebyshev radius of the neighbourhood pairs are drawn from'),
    { argument: '<r>' },
  ),
  contexts: optionField(integerFlag({ min: 1 }).prefault('100').describe('contexts per (pair, order)'), {
    argument: '<k>',
  }),
  seed: optionField(
    parsedText((text, field) => parseSeed(text, field))
      .prefault('0')
      .describe('seed of every random choice (pairs and contexts)'),
    { argument: '<s>' },
  ),
  mode: optionField(
    choiceFlag(['reference', 'shared'] as const)
      .prefault('reference')
      .describe('context sampling: reference (ICLR protocol) or shared (permutations shared by all pairs)'),
    { argument: '<mode>' },
  ),
  batchSize: optionField(
    integerFlag({ min: 4 })
      .optional()
      .describe('coalitions per game evaluation request (memory bound; results do not depend on it)'),
    { argument: '<k>' },
  ),
});

/** `orderlens sample`: Monte-Carlo multi-order interactions of chosen pairs of a game. */
export function registerSample(program: Command): void {
  const cmd = program
    .command('sample')
    .description(
      'sampled multi-order interactions I^(m)(i,j) of player pairs, and the strength curve J(m), at any n',
    )
    .requiredOption('--game <file>', 'game file (JSON)')
    .option('--out <file>', 'result JSON (atomic write); stdout when omitted or "-"')
    .option('--pairs <list>', 'player pairs, e.g. 0-1,3-7 (instead of --grid)')
    .option(
      '--grid <side|RxC>',
      'players form a grid (16 = 16×16, or 4x64); pairs are drawn as in the ICLR-2022 code',
    );
  addBlockOptions(cmd, SAMPLE_OPTIONS, { keys: ['radius'] })
    .option('--num-pairs <k>', 'with --grid: number of distinct pairs to draw', '200')
    .option(
      '--orders <list>',
      'orders: integers m in 0…n−2, ratios in [0,1] (m = floor((n−2)·r)), or "paper"',
      'paper',
    );
  addBlockOptions(cmd, SAMPLE_OPTIONS, { keys: ['contexts', 'seed', 'mode', 'batchSize'] });
  cmd.action(async (flags: SampleFlags, cmd: Command) => {
    const io = ioOf(cmd);
    interruptPolicy(cmd, INTERRUPT_POLICIES.stopNothingSaved);
    const loaded = loadGameFile(flags.game, '--game');
    const n = loaded.game.n;
    if (n < 2)
      throw new OrderlensInputError(
        'n',
        `multi-order interactions need at least 2 players, the game in ${flags.game} has ${n}`,
      );
    const { radius, contexts, seed, mode, batchSize } = parseBlockFlags(SAMPLE_OPTIONS, {
      radius: flags.radius,
      contexts: flags.contexts,
      seed: flags.seed,
      mode: flags.mode,
      batchSize: flags.batchSize,
    });
    const { orders, ratios } = withOptionNames({ orders: '--orders' }, () => parseOrderList(flags.orders, n));
    const pairs = choosePairs(flags, cmd, n, seed, radius);
    probeResultPath(flags.out);
    const progress = progressFor(cmd, { label: 'sample', unit: 'contexts' });
    const result = await sampleMultiOrder(yieldingGame(loaded.game), {
      pairs,
      orders,
      ratios,
      contexts,
      seed,
      mode,
      batchSize,
      signal: io.signal,
      onProgress: (p) => progress.update(p.done, p.total),
    });
    progress.finish();
    const out = gameResultDocument(result, {
      estimator: mode,
      options: {
        contexts,
        orders: flags.orders,
        pairs: flags.pairs !== undefined ? 'list' : { grid: flags.grid, radius, count: pairs.length },
      },
      source: `${flags.game} (${loaded.kind}${loaded.name ? `: ${loaded.name}` : ''})`,
      ...(loaded.name ? { name: loaded.name } : {}),
      seed,
    });
    const where = writeResult(flags.out, out, io);
    if (where !== 'stdout') {
      io.stdout(
        `sample: n = ${n}, ${pairs.length} pairs × ${orders.length} orders × ${contexts} contexts, ${result.modelCalls} model calls; wrote ${where}\n`,
      );
    }
  });
}

function choosePairs(
  flags: SampleFlags,
  cmd: Command,
  n: number,
  seed: number | string,
  radius: number,
): Array<[number, number]> {
  const gridGiven = flags.grid !== undefined;
  const src = (name: string) => cmd.getOptionValueSource(name);
  if (flags.pairs !== undefined && gridGiven)
    throw new OrderlensInputError('--pairs', 'give either --pairs or --grid, not both');
  if (flags.pairs !== undefined) {
    for (const opt of ['radius', 'numPairs']) {
      if (src(opt) === 'cli')
        throw new OrderlensInputError(
          opt === 'radius' ? '--radius' : '--num-pairs',
          'only applies with --grid',
        );
    }
    return parsePairList(flags.pairs, '--pairs', n);
  }
  if (!gridGiven)
    throw new OrderlensInputError(
      '--pairs',
      'choose the pairs: --pairs 0-1,3-7, or --grid <side> [--radius 2 --num-pairs 200]',
    );
  const { rows, cols } = parseGrid(flags.grid as string);
  if (rows * cols !== n)
    throw new OrderlensInputError(
      '--grid',
      `a ${rows}×${cols} grid has ${rows * cols} cells but the game has n = ${n} players`,
    );
  const numPairs = parseInteger(flags.numPairs, '--num-pairs', { min: 1 });
  // Core names its own fields (numPairs, radius); report them as the options the user typed.
  return withOptionNames(
    { numPairs: '--num-pairs', radius: '--radius', rows: '--grid', cols: '--grid' },
    () => referencePairs({ rows, cols, radius, numPairs, rng: Rng.create(seed).fork('pairs') }),
  );
}
