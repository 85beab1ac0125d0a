import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { CLI_VERSION, buildProgram, runCli } from './program.js';
import { loadPlugins } from './util/plugins.js';
import { lacks } from '@orderlens/core/testing';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
/** The committed launcher npm links as `orderlens` (it imports dist/bin.js). */
const launcher = fileURLToPath(new URL('../bin/orderlens.js', import.meta.url));

describe('orderlens program', () => {
  it('prints help and version with exit code 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: orderlens \[options\] \[command\]/);
    for (const cmd of ['exact', 'sample', 'plot']) expect(help.stdout).toContain(`  ${cmd} `);
    const version = await runCli(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${CLI_VERSION}\n`, stderr: '' });
    const sub = await runCli(['sample', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--contexts <k>');
  });

  // Issue 24: `analyze vision --help` said "(the default until issue 11 …)". Help says what a
  // command does now; the project's history belongs in the changelog.
  it('carries no project history in any help text', async () => {
    const program = buildProgram(
      { stdout: () => undefined, stderr: () => undefined } as never,
      await loadPlugins(),
    );
    const texts: string[] = [];
    const walk = (cmd: Command, path: string) => {
      texts.push(`${path}: ${cmd.description()}`);
      for (const o of cmd.options) texts.push(`${path} ${o.flags}: ${o.description}`);
      for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(program, 'orderlens');
    expect(texts.length).toBeGreaterThan(200);
    const history = texts.filter((t) =>
      /\bissue\s*#?\d+|\buntil (issue|version|v\d)|\bused to\b|\bno longer\b/i.test(t),
    );
    expect(history).toEqual([]);
  });

  it('rejects unknown commands and options with exit code 2', async () => {
    const cmd = await runCli(['exacct']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toMatch(/error: unknown command 'exacct'/);
    const modality = await runCli(['analyze', 'audio', '--model', 'm.onnx']);
    expect(modality.code).toBe(2);
    expect(modality.stderr).toMatch(
      /^error: <modality>: no modality "audio" is installed; installed: tabular, vision, text, pointcloud /,
    );
    const opt = await runCli(['--frobnicate']);
    expect(opt.code).toBe(2);
    expect(opt.stderr).toMatch(/error: unknown option '--frobnicate'/);
    const extra = await runCli(['plot', 'stray', '--result', 'r.json', '--out', 'p']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/too many arguments/);
  });

  // A smoke test of the real executable, when it has been built (`npm run build`).
  it.skipIf(lacks('built CLI', 'the built bin'))('runs the built bin', () => {
    const r = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: orderlens/);
    const bad = spawnSync(process.execPath, [bin, 'exact', '--game', 'g.json', '--nope'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown option '--nope'/);
  });
});
