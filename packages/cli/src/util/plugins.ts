import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The plugin packages the CLI knows. Each registers itself with core's registries when imported
 * (runtimes: runner factories; adapters: a modality). A package that is not installed is simply
 * absent: `orderlens analyze` lists only the modalities whose package is there.
 */
export const PLUGIN_PACKAGES = [
  '@orderlens/runtime-onnx',
  '@orderlens/runtime-tfjs',
  '@orderlens/tabular',
  '@orderlens/vision',
  '@orderlens/nlp',
  '@orderlens/pointcloud',
] as const;

let loaded: Promise<string[]> | undefined;

/** Imports every installed plugin once; returns the names that loaded. */
export function loadPlugins(): Promise<string[]> {
  loaded ??= (async () => {
    const ok: string[] = [];
    for (const name of PLUGIN_PACKAGES) {
      try {
        await import(name);
        ok.push(name);
      } catch (e) {
        // Only "not installed" is silent; a plugin that is there but broken must say so.
        const code = (e as { code?: string }).code;
        if (code !== 'ERR_MODULE_NOT_FOUND' || !String((e as Error).message).includes(name)) throw e;
      }
    }
    return ok;
  })();
  return loaded;
}

/** Versions of the orderlens packages that are installed, for a result's provenance. */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  // @orderlens/distributed is not a plugin (it registers nothing) but runs studies' units.
  for (const name of ['@orderlens/core', '@orderlens/cli', ...PLUGIN_PACKAGES, '@orderlens/distributed']) {
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
