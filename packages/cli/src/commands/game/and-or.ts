import type { Command } from 'commander';
import { gameResultDocument, optionField, resultMeta, settingsBlock } from '@orderlens/core';
import {
  MAX_TABLE_PLAYERS,
  extractAndOr,
  resolveAndOrSettings,
  gameTable,
  loadGameFile,
  salientInteractions,
  salientOrderDistribution,
  salientStrengthByOrder,
  yieldingGame,
} from '@orderlens/core/math';
import { INTERRUPT_POLICIES, interruptPolicy, ioOf } from '../../util/io.js';
import {
  addBlockOptions,
  choiceFlag,
  integerFlag,
  numberFlag,
  parseBlockFlags,
} from '../../util/option-schema.js';
import { progressFor } from '../../util/progress.js';
import { probeResultPath, writeResult } from '../../util/result-io.js';

interface AndOrFlags {
  game: string;
  out?: string;
  preset: string;
  qthres?: string;
  niter?: string;
  lr?: string;
  maxPlayers: string;
}

/**
 * The extraction flags of `orderlens and-or`: one schema, `--help` and the parsing derived from
 * it. `--qthres` and `--lr` default to the preset's (resolved with the game's values).
 */
export const AND_OR_OPTIONS = settingsBlock({
  preset: optionField(
    choiceFlag(['orderlens', 'authors'] as const)
      .prefault('orderlens')
      .describe(
        "conventions: 'orderlens' (sparsest pure split start, best iterate) or 'authors' (their code: zero start, last iterate, lr 1e-5, qthres 0.04, salient ≥ 1% of max|I|); see docs/and-or.md",
      ),
    { argument: '<name>' },
  ),
  qthres: optionField(
    numberFlag({ min: 0 })
      .optional()
      .describe('bound of the noise term: |q_T| ≤ qthres·|v(N) − v(∅)| (default 0.02; authors 0.04)'),
    { argument: '<x>' },
  ),
  niter: optionField(
    integerFlag({ min: 0 })
      .optional()
      .describe('SGD iterations (learning rate decays log-uniformly to lr/10; default 10000)'),
    { argument: '<k>' },
  ),
  lr: optionField(
    numberFlag({ greaterThan: 0 })
      .optional()
      .describe('initial learning rate (default 1e-2·max|v|/2^n; authors 1e-5)'),
    { argument: '<x>' },
  ),
  maxPlayers: optionField(
    integerFlag({ min: 0, max: Math.min(22, MAX_TABLE_PLAYERS) })
      .prefault('22')
      .describe('refuse games with more players (≤ 22)'),
    { argument: '<n>' },
  ),
});

/**
 * `orderlens and-or`: the sparse AND-OR decomposition of a game (two-phase-dynamics paper):
 * AND and OR interactions whose L1 norm is minimised, with universal matching checked.
 */
export function registerAndOr(program: Command): void {
  const command = program
    .command('and-or')
    .description(
      'sparse AND-OR interactions of a game (n ≤ 22): learns p, q minimising Σ|I_and| + |I_or| with universal matching',
    )
    .requiredOption('--game <file>', 'game file (JSON): {"n", "values"} or {"n", "v0", "terms"}')
    .option('--out <file>', 'result JSON (atomic write); stdout when omitted or "-"');
  addBlockOptions(command, AND_OR_OPTIONS);
  command.action(async (flags: AndOrFlags, cmd: Command) => {
    const io = ioOf(cmd);
    interruptPolicy(cmd, INTERRUPT_POLICIES.stopNothingSaved);
    const t0 = performance.now();
    const { preset, qthres, lr, maxPlayers, ...rest } = parseBlockFlags(AND_OR_OPTIONS, flags);
    const niter = rest.niter ?? 10000;
    // Resolved now so that a bad combination fails before the game is evaluated.
    const settings = resolveAndOrSettings({ preset, qthres, niter, lr });
    probeResultPath(flags.out);
    const loaded = loadGameFile(flags.game, '--game');
    const values = await gameTable(yieldingGame(loaded.game), { maxPlayers, signal: io.signal });
    const progress = progressFor(cmd, { label: 'and-or', total: niter, unit: 'iterations' });
    const d = extractAndOr(values, {
      preset,
      qthres: settings.qthres,
      niter,
      lr,
      reportEvery: Math.max(1, Math.floor(niter / 100)),
      onProgress: (it) => progress.update(it, niter),
    });
    progress.finish();
    const salient = { ...salientOrderDistribution([d]), tau: d.tau };
    const result = gameResultDocument(
      {
        ...resultMeta({
          method: 'and-or',
          n: d.n,
          modelCalls: values.length,
          wallTimeMs: performance.now() - t0,
        }),
        harsanyi: d.and,
        or: d.or,
        residuals: { universalMatching: d.matchingResidual },
      },
      {
        estimator: 'and-or',
        options: { preset, qthres: settings.qthres, niter, ...(lr !== undefined ? { lr } : {}) },
        source: flags.game,
        ...(loaded.name ? { name: loaded.name } : {}),
        extra: {
          andOr: {
            preset,
            salient: salientInteractions(d),
            strengthByOrder: salientStrengthByOrder(d),
            threshold: d.tau,
            reconstructionError: d.salientReconstructionError,
            matchingResidual: d.matchingResidual,
            initialLoss: d.initialLoss,
            finalLoss: d.finalLoss,
            iterations: niter,
          },
        },
      },
    );
    const where = writeResult(flags.out, result, io);
    if (where !== 'stdout')
      io.stdout(
        `and-or: n = ${d.n}, L1 ${d.initialLoss.toPrecision(4)} → ${d.finalLoss.toPrecision(4)}, ` +
          `${salient.salientCount} salient interactions (τ = ${salient.tau.toPrecision(3)}), ` +
          `matching residual ${d.matchingResidual.toExponential(1)}; wrote ${where}\n`,
      );
  });
}
