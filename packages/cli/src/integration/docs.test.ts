import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { resultJsonSchema } from '@orderlens/core';
import { tempDir } from '../test-utils/tmp.js';

/*
 * Docs that match the code (issue 24). Two marker comments in README.md and docs/*.md:
 *
 *   <!-- test: run [--flag value …] -->   before a ```bash block: every `npx orderlens …` line
 *       of the block is run against the built CLI and must exit 0. The flags after `run`
 *       replace the same flags of each command (reduced sizes: `--samples 1`), never add any;
 *       paths under `out/` go to a temporary folder.
 *   <!-- test: result-example -->          before a ```json block: every field of it must exist
 *       in the result document's JSON Schema (`resultJsonSchema()`).
 *
 * And every `orderlens/interaction-result@N` the docs name is the current tag (an older tag
 * only where the line says such files are read).
 */

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = join(root, 'packages/cli/dist/bin.js');
const tmp = tempDir('orderlens-docs-');
afterAll(() => tmp.cleanup());

interface MarkedBlock {
  readonly file: string;
  readonly line: number;
  readonly marker: string;
  readonly args: string[];
  readonly lang: string;
  readonly body: string;
}

/** The fenced blocks right after a `<!-- test: … -->` comment, in every doc. */
function markedBlocks(files: readonly string[]): MarkedBlock[] {
  const out: MarkedBlock[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let k = 0; k < lines.length; k++) {
      const m = /^<!--\s*test:\s*(\S+)(.*?)\s*-->\s*$/.exec(lines[k]);
      if (!m) continue;
      let j = k + 1;
      while (j < lines.length && lines[j].trim() === '') j++;
      const fence = /^```(\w*)/.exec(lines[j] ?? '');
      if (!fence) throw new Error(`${file}:${k + 1}: a test marker must come right before a fenced block`);
      const end = lines.findIndex((l, i) => i > j && l.startsWith('```'));
      out.push({
        file,
        line: k + 1,
        marker: m[1],
        args: m[2].trim().split(/\s+/).filter(Boolean),
        lang: fence[1],
        body: lines.slice(j + 1, end).join('\n'),
      });
    }
  }
  return out;
}

/** `npx orderlens …` commands of a block: continuations joined, trailing comments dropped. */
function commandsOf(body: string): string[][] {
  const joined = body.replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx orderlens '))
    .map((l) =>
      [...l.slice('npx orderlens '.length).matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map(
        (t) => t[1] ?? t[2] ?? t[3],
      ),
    );
}

/** Replaces the value of each `--flag value` of `overrides` that the command has. */
function reduce(argv: readonly string[], overrides: readonly string[]): string[] {
  const out = [...argv];
  for (let k = 0; k < overrides.length; k += 2) {
    const at = out.indexOf(overrides[k]);
    if (at >= 0 && overrides[k + 1] !== undefined) out[at + 1] = overrides[k + 1];
  }
  return out;
}

/** Whether `path` (object keys; `[]` for array items) names a field the JSON Schema has. */
function schemaHas(schema: unknown, path: readonly string[]): boolean {
  if (path.length === 0) return true;
  const s = schema as Record<string, unknown>;
  for (const alt of ['oneOf', 'anyOf', 'allOf'] as const)
    if (Array.isArray(s[alt]) && (s[alt] as unknown[]).some((x) => schemaHas(x, path))) return true;
  const [head, ...rest] = path;
  if (head === '[]') return s.items !== undefined && schemaHas(s.items, rest);
  const props = s.properties as Record<string, unknown> | undefined;
  if (props && head in props) return schemaHas(props[head], rest);
  const extra = s.additionalProperties;
  return typeof extra === 'object' && extra !== null && schemaHas(extra, rest);
}

function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) return value.flatMap((v) => fieldPaths(v, [...prefix, '[]']));
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Object.entries(value);
  return entries.length === 0 ? [prefix] : entries.flatMap(([k, v]) => fieldPaths(v, [...prefix, k]));
}

const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks = markedBlocks(docs);

describe('docs match the code', () => {
  it('finds the marked blocks (runnable commands and result examples)', () => {
    expect(blocks.filter((b) => b.marker === 'run').length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((b) => b.marker === 'result-example').length).toBeGreaterThanOrEqual(1);
    for (const b of blocks) expect(['run', 'result-example'], `${b.file}:${b.line}`).toContain(b.marker);
  });

  it('every field of a documented result example exists in the JSON Schema', () => {
    const schema = resultJsonSchema();
    for (const b of blocks.filter((x) => x.marker === 'result-example')) {
      const doc = JSON.parse(b.body) as unknown;
      const missing = fieldPaths(doc).filter((p) => !schemaHas(schema, p));
      expect(
        missing.map((p) => p.join('.')),
        `${b.file}:${b.line}`,
      ).toEqual([]);
    }
  });

  it('names the current result schema tag', () => {
    const current = /interaction-result@(\d+)/.exec(JSON.stringify(resultJsonSchema()))?.[1] ?? '3';
    const stale: string[] = [];
    for (const file of docs)
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .forEach((line, k) => {
          for (const m of line.matchAll(/interaction-result@(\d+)/g))
            if (m[1] !== current && !/\bread\b/.test(line)) stale.push(`${file}:${k + 1}: ${m[0]}`);
        });
    expect(stale).toEqual([]);
  });

  // Issue 24: `--device cuda` pointed at docs/cli.md, which had no such steps.
  it('the --device cuda error points at a page with the install steps', () => {
    const r = spawnSync(
      process.execPath,
      [
        bin,
        'analyze',
        'tabular',
        '--model',
        'fixtures/census-mlp5/model.onnx',
        '--device',
        'cuda',
        '--dry-run',
        '--out',
        join(tmp.dir, 'cuda'),
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    if (r.status === 0) return; // a machine with the CUDA provider installed
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --device: cuda is not available to onnx on this machine.*docs\/devices\.md/m,
    );
    expect(readFileSync(join(root, 'docs/devices.md'), 'utf8')).toContain(
      'ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node',
    );
  });

  const runnable = blocks.filter((b) => b.marker === 'run');
  for (const [i, b] of runnable.entries())
    it(`runs the commands of ${b.file}:${b.line} (reduced: ${b.args.join(' ') || 'as written'})`, () => {
      expect(existsSync(bin), `${bin} is missing: run npm run build first`).toBe(true);
      const out = join(tmp.dir, `block-${i}`);
      const commands = commandsOf(b.body);
      expect(commands.length, `${b.file}:${b.line} has no npx orderlens line`).toBeGreaterThan(0);
      for (const argv of commands) {
        const args = reduce(argv, b.args).map((a) => (a.startsWith('out/') ? join(out, a) : a));
        const r = spawnSync(process.execPath, [bin, '--quiet', ...args], {
          cwd: root,
          encoding: 'utf8',
          timeout: 300_000,
        });
        expect(r.status, `orderlens ${args.join(' ')}\n${r.stderr}`).toBe(0);
      }
    });
});
