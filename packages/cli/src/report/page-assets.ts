import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let vegaSource: string | undefined;

/**
 * The browser build of Vega (`vega.min.js`, a UMD script that defines `window.vega`). Charts are
 * compiled from Vega-Lite to Vega here in Node, so the page needs Vega only, not Vega-Lite.
 * Located through `vega-schema.json`, the one build file the package exports.
 */
export function vegaScript(): string {
  vegaSource ??= readFileSync(join(dirname(require.resolve('vega/vega-schema.json')), 'vega.min.js'), 'utf8');
  return vegaSource;
}
