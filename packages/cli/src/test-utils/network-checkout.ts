import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../program.js';
import { repoPath } from './repo-path.js';

/**
 * A checkout for a reproduction over the project's networks: the `linked` fixtures of this
 * repository, and `cifar-alexnet` whose model is not an ONNX file (a network that fails to load).
 * Networks not named are absent (a network whose model is missing).
 */
export function networkCheckout(root: string, linked: readonly string[]): string {
  mkdirSync(join(root, 'fixtures', 'cifar-alexnet'), { recursive: true });
  for (const id of linked) symlinkSync(repoPath(`fixtures/${id}`), join(root, 'fixtures', id));
  writeFileSync(join(root, 'fixtures', 'cifar-alexnet', 'model.onnx'), 'not an onnx model');
  copyFileSync(
    repoPath('fixtures/cifar-cnn/meta.json'),
    join(root, 'fixtures', 'cifar-alexnet', 'meta.json'),
  );
  return root;
}

/** Runs `orderlens --quiet reproduce <name> --quick` over `networks` of `root` into `out`. */
export function runQuickReproduction(name: string, root: string, networks: readonly string[], out: string) {
  return runCli([
    '--quiet',
    'reproduce',
    name,
    '--quick',
    '--root',
    root,
    '--networks',
    networks.join(','),
    '--out',
    out,
  ]);
}
