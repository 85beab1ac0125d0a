import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let vegaSource: string | undefined;
let threeSources: { core: string; module: string; orbit: string } | undefined;

/**
 * The browser build of Vega (`vega.min.js`, a UMD script that defines `window.vega`). Charts are
 * compiled from Vega-Lite to Vega here in Node, so the page needs Vega only, not Vega-Lite.
 * Located through `vega-schema.json`, the one build file the package exports.
 */
export function vegaScript(): string {
  vegaSource ??= readFileSync(join(dirname(require.resolve('vega/vega-schema.json')), 'vega.min.js'), 'utf8');
  return vegaSource;
}

/**
 * three.js is a dependency of @orderlens/pointcloud, not of the CLI: resolve it from there, so an
 * install that does not hoist it still finds it (then from here, for a hoisted workspace).
 */
function resolveThree(): string {
  try {
    return createRequire(require.resolve('@orderlens/pointcloud/package.json')).resolve('three');
  } catch {
    return require.resolve('three');
  }
}

const dataUrl = (js: string) => `data:text/javascript;base64,${Buffer.from(js, 'utf8').toString('base64')}`;

/**
 * An import map that resolves `three` and `three/addons/orbit` to data: URLs (no network, no
 * files beside the page). `three.module.js` imports its core by a relative path, which means
 * nothing inside a data: URL, so it is pointed at the bare name `three/core` instead — as the
 * pointcloud package's own HTML view does.
 */
export function threeImportMap(): string {
  if (!threeSources) {
    const build = dirname(resolveThree());
    threeSources = {
      core: readFileSync(join(build, 'three.core.js'), 'utf8'),
      module: readFileSync(join(build, 'three.module.js'), 'utf8').replaceAll(
        "'./three.core.js'",
        "'three/core'",
      ),
      orbit: readFileSync(join(build, '..', 'examples', 'jsm', 'controls', 'OrbitControls.js'), 'utf8'),
    };
  }
  return JSON.stringify({
    imports: {
      three: dataUrl(threeSources.module),
      'three/core': dataUrl(threeSources.core),
      'three/addons/orbit': dataUrl(threeSources.orbit),
    },
  });
}
