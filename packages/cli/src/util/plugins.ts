import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Command } from 'commander';

/**
 * The plugin packages the CLI ships with, in the order they load (runtimes first, so the runner
 * lookup order is fixed; adapters in the order `orderlens analyze` lists them). Each registers
 * itself with core's registries when imported. A package that is not installed is simply absent:
 * `orderlens analyze` lists only the modalities whose package is there, and the commands that
 * need it are not registered.
 */
export const PLUGIN_PACKAGES = [
  '@orderlens/runtime-onnx',
  '@orderlens/runtime-tfjs',
  '@orderlens/tabular',
  '@orderlens/vision',
  '@orderlens/nlp',
  '@orderlens/pointcloud',
] as const;

/** The `package.json` field by which an installed package declares itself an orderlens plugin. */
export const PLUGIN_FIELD = 'orderlens';

/**
 * Installed packages that declare `"orderlens": { "plugin": true }` in their package.json, in the
 * `@orderlens` scope or named `orderlens-plugin-*`, found on this module's resolution paths: a new
 * adapter, estimator or runtime package is loaded without a change to the CLI. Sorted by name.
 */
export function discoverPlugins(): string[] {
  const found = new Set<string>();
  const paths = createRequire(import.meta.url).resolve.paths('@orderlens/core') ?? [];
  const declares = (dir: string): string | undefined => {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        orderlens?: { plugin?: boolean };
      };
      return pkg.orderlens?.plugin === true ? pkg.name : undefined;
    } catch {
      return undefined;
    }
  };
  for (const modules of paths) {
    if (!existsSync(modules)) continue;
    const scope = join(modules, '@orderlens');
    const candidates = [
      ...(existsSync(scope) ? readdirSync(scope).map((n) => join(scope, n)) : []),
      ...readdirSync(modules)
        .filter((n) => n.startsWith('orderlens-plugin-'))
        .map((n) => join(modules, n)),
    ];
    for (const dir of candidates) {
      const name = declares(dir);
      if (name) found.add(name);
    }
  }
  return [...found].sort();
}

/**
 * Command groups that need plugins (training, attacks, experiments of one modality): each is
 * imported and registered only when every package it `needs` loaded, so with an adapter package
 * absent every other command still works (the packed-install check leaves one out). The modules
 * are imported here, after the plugins, never from `program.ts`: a command folder's static
 * imports of its plugin are reached only when that plugin is there.
 */
const PLUGIN_COMMAND_GROUPS: ReadonlyArray<{
  readonly name: string;
  readonly needs: readonly string[];
  readonly load: () => Promise<{ register(program: Command): void }>;
}> = [
  {
    name: 'tabular',
    needs: ['@orderlens/tabular', '@orderlens/runtime-tfjs'],
    load: () => import('../commands/tabular/register.js'),
  },
  {
    name: 'vision',
    needs: ['@orderlens/vision', '@orderlens/runtime-tfjs'],
    load: () => import('../commands/vision/register.js'),
  },
  {
    name: 'dynamics',
    needs: ['@orderlens/runtime-tfjs'],
    load: () => import('../commands/dynamics/register.js'),
  },
];

/** What {@link loadPlugins} found: the packages that loaded and the command groups they enable. */
export interface LoadedPlugins {
  readonly packages: readonly string[];
  /** `register` of each command group whose plugins loaded, by group name. */
  readonly commandGroups: ReadonlyMap<string, (program: Command) => void>;
}

let loaded: Promise<LoadedPlugins> | undefined;

/** Imports every installed plugin once (known ones, then discovered ones); returns what loaded. */
export function loadPlugins(): Promise<LoadedPlugins> {
  loaded ??= (async () => {
    const ok: string[] = [];
    const names = [...new Set<string>([...PLUGIN_PACKAGES, ...discoverPlugins()])];
    for (const name of names) {
      try {
        await import(name);
        ok.push(name);
      } catch (e) {
        // Only "not installed" is silent; a plugin that is there but broken must say so.
        const code = (e as { code?: string }).code;
        if (code !== 'ERR_MODULE_NOT_FOUND' || !String((e as Error).message).includes(name)) throw e;
      }
    }
    const commandGroups = new Map<string, (program: Command) => void>();
    for (const group of PLUGIN_COMMAND_GROUPS)
      if (group.needs.every((n) => ok.includes(n)))
        commandGroups.set(group.name, (await group.load()).register);
    return { packages: ok, commandGroups };
  })();
  return loaded;
}

/** Versions of the orderlens packages that are installed, for a result's provenance. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  // @orderlens/distributed is not a plugin (it registers nothing) but runs studies' units.
  for (const name of [
    '@orderlens/core',
    '@orderlens/cli',
    ...new Set([...PLUGIN_PACKAGES, ...discoverPlugins()]),
    '@orderlens/distributed',
  ]) {
    try {
      const path =
        name === '@orderlens/cli'
          ? new URL('../../package.json', import.meta.url)
          : require.resolve(`${name}/package.json`);
      out[name] = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      // Not installed.
    }
  }
  return out;
}
