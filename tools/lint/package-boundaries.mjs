#!/usr/bin/env node
/**
 * Package boundaries, checked on every `npm run lint`:
 * - a package imports only what its package.json declares (dependencies or peerDependencies; test
 *   files and test-utils may also use its devDependencies and the repository's dev tools);
 * - no relative import leaves the package's folder;
 * - another orderlens package is imported by its name and an exported subpath only
 *   (`@orderlens/core/testing`), never deep into its `src/` or `dist/`;
 * - the CLI imports a plugin package (package.json `"orderlens": { "plugin": true }`: adapters,
 *   runtimes) only in the command folders its plugin loader imports once that plugin loaded
 *   (`import('../commands/<group>/register.js')` in `packages/cli/src/util/plugins.ts`), so with
 *   a plugin absent every other command still works.
 * Prints one line per violation (file:line: what) and exits 1 when there is any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packagesDir = join(root, 'packages');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const builtins = new Set(builtinModules);

/** name → { dir, deps (runtime), devDeps, exports } of every workspace package. */
const workspace = new Map();
for (const d of readdirSync(packagesDir)) {
  const file = join(packagesDir, d, 'package.json');
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    workspace.set(pkg.name, {
      dir: join(packagesDir, d),
      deps: new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]),
      devDeps: new Set(Object.keys(pkg.devDependencies ?? {})),
      exports: new Set(Object.keys(pkg.exports ?? { '.': null })),
      plugin: pkg.orderlens?.plugin === true,
    });
  } catch {
    // not a package folder
  }
}

function* sources(dir) {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== 'node_modules' && e !== 'dist') yield* sources(p);
    } else if (/\.(ts|mts|js|mjs)$/.test(e) && !e.endsWith('.d.ts')) yield p;
  }
}

/** Static imports, re-exports and `import('…')` of a file, as TypeScript's pre-processor finds them. */
const importsOf = (text) => ts.preProcessFile(text, true, true).importedFiles;

const packageName = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
const isTestFile = (file) => /\.test\.[mc]?[jt]s$/.test(file) || file.split(sep).includes('test-utils');

/** CLI folders reached only through the plugin loader: the command groups plugins.ts imports. */
const cliSrc = join(packagesDir, 'cli', 'src');
const gatedCliFolders = [
  ...readFileSync(join(cliSrc, 'util', 'plugins.ts'), 'utf8').matchAll(
    /import\('\.\.\/commands\/([\w-]+)\/register\.js'\)/g,
  ),
].map((m) => join(cliSrc, 'commands', m[1]) + sep);

const problems = [];
for (const [name, pkg] of workspace) {
  const src = join(pkg.dir, 'src');
  try {
    statSync(src);
  } catch {
    continue;
  }
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const test = isTestFile(file);
    for (const m of importsOf(text)) {
      const spec = m.fileName;
      const line = text.slice(0, m.pos).split('\n').length;
      const at = `${relative(root, file)}:${line}`;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!(target + sep).startsWith(pkg.dir + sep))
          problems.push(
            `${at}: '${spec}' leaves ${name}; import the other package by name and an exported path`,
          );
        continue;
      }
      if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) continue;
      const dep = packageName(spec);
      const other = workspace.get(dep);
      if (other) {
        const sub = '.' + spec.slice(dep.length);
        if (!other.exports.has(sub))
          problems.push(
            `${at}: '${spec}' is not an exported path of ${dep} (exports: ${[...other.exports].join(', ')})`,
          );
      }
      if (dep === name) continue;
      if (
        name === '@orderlens/cli' &&
        other?.plugin &&
        !test &&
        !gatedCliFolders.some((d) => file.startsWith(d))
      )
        problems.push(
          `${at}: the CLI imports plugin ${dep} outside the command groups its plugin loader registers (${gatedCliFolders.map((d) => relative(root, d)).join(', ')}); ask the registry (adapters, runners) or add a group to util/plugins.ts`,
        );
      const declared =
        pkg.deps.has(dep) || (test && (pkg.devDeps.has(dep) || dep in (rootPkg.devDependencies ?? {})));
      if (!declared)
        problems.push(
          `${at}: '${dep}' is not declared in ${relative(root, join(pkg.dir, 'package.json'))} (${test ? 'dependencies, peerDependencies or devDependencies' : 'dependencies or peerDependencies'})`,
        );
    }
  }
}

if (problems.length > 0) {
  console.error(`package boundaries: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`package boundaries: ${workspace.size} packages, imports declared and shallow`);
