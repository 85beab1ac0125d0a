import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { register as registerAnalyze } from './commands/analyze/register.js';
import { register as registerGame } from './commands/game/register.js';
import { register as registerMeasures } from './commands/measures/register.js';
import { register as registerReport } from './commands/report/register.js';
import { register as registerReproduce } from './commands/reproduce/register.js';
import { register as registerStudy } from './commands/study/register.js';
import { register as registerWorker } from './commands/worker/register.js';
import { useOptionNames } from '@orderlens/core';
import { flagOfPath, reportError } from './util/errors.js';
import { attachIo, type CliIo } from './util/io.js';
import { loadPlugins, type LoadedPlugins } from './util/plugins.js';

/** The CLI package version (read at run time so `src` and `dist` agree). */
export const CLI_VERSION: string = (() => {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
  } catch {
    return '0.0.0';
  }
})();

/**
 * Builds the `orderlens` program with every command group registered. Each area registers its
 * commands from `src/commands/<area>/register.ts`; the groups that need a plugin (tabular, vision,
 * dynamics) come from `plugins` (see {@link loadPlugins}) and are left out when it is not installed.
 */
export function buildProgram(io: CliIo, plugins: LoadedPlugins): Command {
  // Core's messages name options by logical path (`rerun with resume`); the CLI's are flags.
  useOptionNames(flagOfPath);
  const pluginGroup = (name: string) => plugins.commandGroups.get(name)?.(program);
  const program = new Command('orderlens')
    .description('Measure the order of game-theoretic interactions that deep networks encode.')
    .version(CLI_VERSION, '-V, --version')
    .option('-q, --quiet', 'no progress output on stderr')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)');
  attachIo(program, io);
  registerGame(program);
  registerAnalyze(program);
  registerMeasures(program);
  pluginGroup('tabular');
  pluginGroup('vision');
  registerReproduce(program);
  registerReport(program);
  registerStudy(program);
  pluginGroup('dynamics');
  registerWorker(program);
  // Applied after registration so that commands built with `new Command()` + addCommand get it too.
  configureTree(program, io);
  return program;
}

function configureTree(cmd: Command, io: CliIo): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    getOutHelpWidth: () => 100,
    getErrHelpWidth: () => 100,
  });
  for (const sub of cmd.commands) configureTree(sub, io);
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** `capture` (default) collects output into the result; `process` writes to the real streams. */
  stdio?: 'capture' | 'process';
  /** Aborting it stops a long command after its current unit (as SIGINT does). */
  signal?: AbortSignal;
  /** Treat stderr as a terminal (in-place progress); defaults to the real stderr's TTY state in `process` mode. */
  isTTY?: boolean;
}

/** Outcome of {@link runCli}. */
export interface CliRunResult {
  /** Exit status: 0 ok, 1 failure, 2 bad input / usage, 130 interrupted. */
  code: number;
  /** Captured stdout (empty in `process` mode). */
  stdout: string;
  /** Captured stderr (empty in `process` mode). */
  stderr: string;
}

/**
 * Runs the CLI on `argv` (without `node` and the script name) in-process and returns its exit
 * code and output. Never calls `process.exit`.
 */
export async function runCli(argv: readonly string[], options: RunCliOptions = {}): Promise<CliRunResult> {
  const mode = options.stdio ?? 'capture';
  let out = '';
  let err = '';
  const controller = new AbortController();
  if (options.signal) {
    if (options.signal.aborted) controller.abort();
    else options.signal.addEventListener('abort', () => controller.abort(), { once: true });
  }
  // The interruption policy of every long command: the first Ctrl-C aborts `signal`, and the
  // command finishes or drops its current unit (the line printed says which, as the command
  // declared with `interruptPolicy`), saves what is finished and exits 130 with the --resume hint.
  // The listener is then removed, so the second Ctrl-C gets the default action and ends the
  // process at once, even inside a model call that never yields to the event loop.
  let policy = 'stopping at the next safe point';
  const onSigint = () => {
    process.off('SIGINT', onSigint);
    process.stderr.write(`\ninterrupted: ${policy}; Ctrl-C again to abort at once\n`);
    controller.abort();
  };
  if (mode === 'process') process.on('SIGINT', onSigint);
  const setInterruptPolicy = (text: string) => void (policy = text);
  const io: CliIo =
    mode === 'process'
      ? {
          stdout: (s) => void process.stdout.write(s),
          stderr: (s) => void process.stderr.write(s),
          isTTY: options.isTTY ?? process.stderr.isTTY === true,
          signal: controller.signal,
          setInterruptPolicy,
        }
      : {
          stdout: (s) => void (out += s),
          stderr: (s) => void (err += s),
          isTTY: options.isTTY ?? false,
          signal: controller.signal,
          setInterruptPolicy,
        };
  let code = 0;
  let active: Command | undefined;
  try {
    const program = buildProgram(io, await loadPlugins());
    // The command whose action runs: its options name the fields of errors from libraries.
    program.hook('preAction', (_root, action) => {
      active = action;
    });
    await program.parseAsync([...argv], { from: 'user' });
    if (controller.signal.aborted) code = 130;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are reported by commander as "errors" with exit code 0.
      code = e.exitCode === 0 ? 0 : 2;
    } else {
      code = reportError(e, io, argv.includes('--debug'), {
        options: active?.options.map((o) => o.long ?? '').filter((o) => o !== ''),
      });
    }
  } finally {
    if (mode === 'process') process.off('SIGINT', onSigint);
  }
  return { code, stdout: out, stderr: err };
}
