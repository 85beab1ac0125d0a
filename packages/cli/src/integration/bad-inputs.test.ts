import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import { encodePng } from '@orderlens/core';
import { examplePath, tempDir } from '../test-utils/tmp.js';

/*
 * Bad input to every command, as a table. Each case runs the whole CLI in-process and asserts:
 * exit code 2; the first `error:` line names the option (or the game-file / result field) the
 * user has to fix; no stack trace is printed (no "    at " line without --debug); and nothing is
 * left behind at the output path (it does not exist, or is an empty folder).
 *
 * The cases fail before any model work where the command allows it, so the table stays fast;
 * the few that need a model (a tfjs model for `attack`, an ONNX model without meta.json) open a
 * small one.
 */

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const tmp = tempDir('orderlens-bad-inputs-');
afterAll(() => tmp.cleanup());

/** Paths every case may use, created once. */
interface Fixtures {
  /** A regular file: an output under it cannot be created (ENOTDIR). */
  plain: string;
  /** An existing folder. */
  folder: string;
  /** A valid interaction result (from `exact` on table-3). */
  result: string;
  /** Invalid JSON. */
  badJson: string;
  /** A game file with the given content. */
  game: (name: string, content: unknown) => string;
  /** An ONNX image model with no meta.json beside it. */
  onnxNoMeta: string;
  /** A folder of images without class subfolders. */
  emptyImages: string;
  /** A folder whose class subfolder is not one of the CIFAR-10 classes. */
  zebraImages: string;
  /** Bytes that are no ONNX model. */
  corruptOnnx: string;
  /** A model.json that is not a tfjs model. */
  corruptTfjs: string;
  /** A sentence file written in Latin-1 ("un café" with 0xE9 at byte 6). */
  latin1Sentences: string;
}

const g8 = examplePath('games/unanimity-8.json');
const g256 = examplePath('games/grid-256.json');
const table3 = examplePath('games/table-3.json');
const tfjsCensus = repo('fixtures/census-mlp5/tfjs/model.json');
const onnxCensus = repo('fixtures/census-mlp5/model.onnx');
const cifarCnn = repo('fixtures/cifar-cnn/model.onnx');
const distilbert = repo('fixtures/sst2-distilbert');
const pointnet = repo('fixtures/modelnet10-pointnet/model.onnx');
const twoPhaseSeries = repo('fixtures/two-phase/fmnist-vgg11');
const quickstartPreprocessing = repo('packages/cli/assets/quickstart/preprocessing.json');

let fx: Fixtures;
beforeAll(async () => {
  const plain = tmp.file('plain.txt', 'not a folder');
  const folder = join(tmp.dir, 'existing-folder');
  mkdirSync(folder);
  const result = join(tmp.dir, 'table3-result.json');
  const made = await runCli(['--quiet', 'exact', '--game', table3, '--out', result]);
  expect(made.code).toBe(0);
  const noMeta = join(tmp.dir, 'no-meta');
  mkdirSync(noMeta);
  copyFileSync(cifarCnn, join(noMeta, 'model.onnx'));
  const emptyImages = join(tmp.dir, 'empty-images');
  mkdirSync(emptyImages);
  writeFileSync(join(emptyImages, 'stray.txt'), 'x');
  const zebraImages = join(tmp.dir, 'zebra-images');
  mkdirSync(join(zebraImages, 'zebra'), { recursive: true });
  writeFileSync(join(zebraImages, 'zebra', 'a.png'), 'not decoded before the class check');
  const corruptTfjs = join(tmp.dir, 'corrupt-tfjs');
  mkdirSync(corruptTfjs);
  writeFileSync(join(corruptTfjs, 'model.json'), '{"format": "layers-model"}');
  const latin1Sentences = join(tmp.dir, 'latin1.txt');
  writeFileSync(latin1Sentences, Buffer.from('un caf\xe9 chaud\n', 'latin1'));
  fx = {
    latin1Sentences,
    zebraImages,
    corruptOnnx: tmp.file('corrupt.onnx', 'these bytes are no protobuf'),
    corruptTfjs: join(corruptTfjs, 'model.json'),
    plain,
    folder,
    result,
    badJson: tmp.file('bad.json', '{"n": 3, "values": [0, 1,'),
    game: (name, content) => tmp.file(`${name}.json`, JSON.stringify(content)),
    onnxNoMeta: join(noMeta, 'model.onnx'),
    emptyImages,
  };
});

/** `worker` on an unreachable Redis with its own folder as the root, then `extra`. */
function worker(out: string, ...extra: string[]): string[] {
  mkdirSync(out, { recursive: true });
  return ['--redis', 'redis://127.0.0.1:1', '--root', out, ...extra];
}

/** One row of the table. */
interface BadInput {
  /** The command as typed (for the test name). */
  readonly command: string;
  /** What is wrong, in words. */
  readonly why: string;
  /**
   * The arguments after the command. `out` is a fresh, not yet existing path for this case; for
   * commands writing one file (`exact`, `sample`, `and-or`, `plot`) pass a file inside it.
   */
  readonly args: (out: string, f: Fixtures) => string[];
  /** What the first error line must name: the option, or the file's field. */
  readonly names: string | RegExp;
}

const c = (command: string, why: string, names: string | RegExp, args: BadInput['args']): BadInput => ({
  command,
  why,
  names,
  args,
});

/** Cases every command with an output folder or file shares. */
const outputCases = (command: string, base: (out: string, f: Fixtures) => string[], file?: string) => [
  c(command, '--out under /proc (it used to hang)', '--out', (_o, f) => [
    ...base(_o, f),
    '--out',
    file ? `/proc/orderlens-x/${file}` : '/proc/orderlens-x',
  ]),
  c(command, '--out under a regular file (ENOTDIR)', '--out', (_o, f) => [
    ...base(_o, f),
    '--out',
    join(f.plain, 'sub', file ?? 'out'),
  ]),
];

const exact =
  (...more: string[]) =>
  (out: string) => ['--game', g8, '--out', join(out, 'r.json'), ...more];
const sampleArgs =
  (...more: string[]) =>
  (out: string) => ['--game', g8, '--out', join(out, 'r.json'), ...more];
const andOr =
  (...more: string[]) =>
  (out: string) => ['--game', g8, '--out', join(out, 'r.json'), ...more];
const plot =
  (...more: string[]) =>
  (out: string, f: Fixtures) => ['--result', f.result, '--out', join(out, 'p'), ...more];
const tab =
  (...more: string[]) =>
  (out: string) => ['--model', onnxCensus, '--out', out, ...more];
const vis =
  (...more: string[]) =>
  (out: string) => ['--model', cifarCnn, '--out', out, ...more];
const txt =
  (...more: string[]) =>
  (out: string) => ['--model', distilbert, '--out', out, ...more];
const pc =
  (...more: string[]) =>
  (out: string) => ['--model', pointnet, '--out', out, ...more];
const trainTab =
  (...more: string[]) =>
  (out: string) => ['--out', out, '--epochs', '1', ...more];
const trainVis =
  (...more: string[]) =>
  (out: string) => ['--out', out, '--epochs', '1', ...more];
const attack =
  (...more: string[]) =>
  (out: string) => ['--model', tfjsCensus, '--out', out, ...more];
const repro =
  (...more: string[]) =>
  (out: string) => ['--quick', '--out', out, ...more];
const structure =
  (...more: string[]) =>
  (out: string) => ['--model', cifarCnn, '--out', out, ...more];
const quick =
  (...more: string[]) =>
  (out: string) => ['--out', out, ...more];

const CASES: BadInput[] = [
  // ---- exact -------------------------------------------------------------------------------
  c('exact', 'no --game', "'--game <file>'", (o) => ['--out', join(o, 'r.json')]),
  c('exact', '--game that does not exist', '--game', (o) => ['--game', join(o, 'nope.json')]),
  c('exact', '--game that is not JSON', '--game', (o, f) => [
    '--game',
    f.badJson,
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', '--batch-size 0', '--batch-size', exact('--batch-size', '0')),
  c('exact', '--batch-size abc', '--batch-size', exact('--batch-size', 'abc')),
  c('exact', '--max-players 27', '--max-players', exact('--max-players', '27')),
  c('exact', '--max-players -1', '--max-players', exact('--max-players', '-1')),
  c('exact', '--orders 1.5', '--orders', exact('--orders', '1.5')),
  c('exact', '--orders abc', '--orders', exact('--orders', 'abc')),
  c('exact', '--out is a folder', '--out', (_o, f) => ['--game', g8, '--out', f.folder]),
  c('exact', 'n = 256 is too large to enumerate', /^n\b/, (o) => [
    '--game',
    g256,
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'game with more players than --max-players', /--max-players|^n\b/, exact('--max-players', '4')),
  c('exact', 'game file with an unknown key', 'colour', (o, f) => [
    '--game',
    f.game('unknown-key', { n: 1, values: [0, 1], colour: 'red' }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'table of the wrong length', 'values', (o, f) => [
    '--game',
    f.game('short', { n: 2, values: [0, 1, 2] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'a null in the table', 'values[1]', (o, f) => [
    '--game',
    f.game('null-value', { n: 1, values: [0, null] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'a player index out of range', 'terms[0].players[1]', (o, f) => [
    '--game',
    f.game('out-of-range', { n: 3, terms: [{ players: [0, 7], value: 1 }] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'a repeated player', 'terms[0].players[1]', (o, f) => [
    '--game',
    f.game('repeated', { n: 3, terms: [{ players: [1, 1], value: 1 }] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'no n in the game file', /^n\b/, (o, f) => [
    '--game',
    f.game('no-n', { values: [0, 1] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'a negative n', /^n\b/, (o, f) => [
    '--game',
    f.game('negative-n', { n: -2, values: [0] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'both values and terms', 'values', (o, f) => [
    '--game',
    f.game('both', { n: 1, values: [0, 1], terms: [] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'a term value that is a string', 'terms[0].value', (o, f) => [
    '--game',
    f.game('string-value', { n: 2, terms: [{ players: [0], value: 'x' }] }),
    '--out',
    join(o, 'r.json'),
  ]),
  c('exact', 'an unknown option', "'--frobnicate'", exact('--frobnicate')),
  ...outputCases('exact', () => ['--game', g8], 'r.json'),

  // ---- sample ------------------------------------------------------------------------------
  c('sample', 'neither --pairs nor --grid', '--pairs', sampleArgs()),
  c('sample', 'both --pairs and --grid', '--pairs', sampleArgs('--pairs', '0-1', '--grid', '2x4')),
  c('sample', 'a pair of one player', '--pairs[0]', sampleArgs('--pairs', '3-3')),
  c('sample', 'a player out of range', '--pairs[1]', sampleArgs('--pairs', '0-1,0-99')),
  c('sample', 'a repeated pair', '--pairs[1]', sampleArgs('--pairs', '0-1,1-0')),
  c('sample', 'a pair that is not i-j', '--pairs[0]', sampleArgs('--pairs', 'x')),
  c('sample', 'a grid of the wrong size', '--grid', sampleArgs('--grid', '3')),
  c('sample', 'a grid that is not a size', '--grid', sampleArgs('--grid', 'abc')),
  c('sample', '--radius 0', '--radius', sampleArgs('--grid', '2x4', '--radius', '0')),
  c('sample', '--num-pairs 0', '--num-pairs', sampleArgs('--grid', '2x4', '--num-pairs', '0')),
  c('sample', '--radius without --grid', '--radius', sampleArgs('--pairs', '0-1', '--radius', '1')),
  c(
    'sample',
    'more pairs than the grid has',
    '--num-pairs',
    sampleArgs('--grid', '2x4', '--num-pairs', '500'),
  ),
  c('sample', '--contexts 0', '--contexts', sampleArgs('--pairs', '0-1', '--contexts', '0')),
  c('sample', '--mode foo', '--mode', sampleArgs('--pairs', '0-1', '--mode', 'foo')),
  c('sample', '--seed empty', '--seed', sampleArgs('--pairs', '0-1', '--seed', ' ')),
  c('sample', '--orders 7 (n − 2 = 6)', '--orders', sampleArgs('--pairs', '0-1', '--orders', '7')),
  c('sample', '--batch-size 1', '--batch-size', sampleArgs('--pairs', '0-1', '--batch-size', '1')),
  c('sample', 'a one-player game', /^n\b/, (o, f) => [
    '--game',
    f.game('one-player', { n: 1, values: [0, 1] }),
    '--pairs',
    '0-1',
    '--out',
    join(o, 'r.json'),
  ]),
  ...outputCases('sample', () => ['--game', g8, '--pairs', '0-1'], 'r.json'),

  // ---- and-or ------------------------------------------------------------------------------
  c('and-or', '--preset foo', '--preset', andOr('--preset', 'foo')),
  c('and-or', '--qthres -1', '--qthres', andOr('--qthres', '-1')),
  c('and-or', '--niter -1', '--niter', andOr('--niter', '-1')),
  c('and-or', '--lr 0', '--lr', andOr('--lr', '0')),
  c('and-or', '--lr abc', '--lr', andOr('--lr', 'abc')),
  c('and-or', '--max-players 23', '--max-players', andOr('--max-players', '23')),
  c('and-or', '--game missing', '--game', (o) => ['--game', join(o, 'g.json'), '--out', join(o, 'r.json')]),
  ...outputCases('and-or', () => ['--game', g8], 'r.json'),

  // ---- plot --------------------------------------------------------------------------------
  c('plot', 'no --result', '--result', (o) => ['--out', join(o, 'p')]),
  c('plot', '--result that does not exist', '--result', (o) => [
    '--result',
    join(o, 'none.json'),
    '--out',
    join(o, 'p'),
  ]),
  c('plot', '--result that is not JSON', '--result', (o, f) => [
    '--result',
    f.badJson,
    '--out',
    join(o, 'p'),
  ]),
  c('plot', '--result that is a game, not a result', /--result|schema/, (o) => [
    '--result',
    table3,
    '--out',
    join(o, 'p'),
  ]),
  c('plot', 'an extra --label', '--label', plot('--label', 'a', '--label', 'b')),
  c('plot', '--normalize foo', '--normalize', plot('--normalize', 'foo')),
  c('plot', '--theory with --normalize mean', '--normalize', plot('--theory', '--normalize', 'mean')),
  c('plot', '--theory-n 2', '--theory-n', plot('--theory-n', '2')),
  c('plot', '--theory-n abc', '--theory-n', plot('--theory-n', 'abc')),
  ...outputCases('plot', (_o, f) => ['--result', f.result], 'p'),

  // ---- analyze tabular ---------------------------------------------------------------------
  c('analyze tabular', '--model that does not exist', '--model', (o) => [
    '--model',
    join(o, 'm.onnx'),
    '--out',
    o,
  ]),
  c('analyze tabular', '--model of an unknown format', '--model', (o, f) => ['--model', f.plain, '--out', o]),
  c('analyze tabular', 'no --out', "'--out <dir>'", () => ['--model', onnxCensus]),
  c('analyze tabular', '--samples 0', '--samples', tab('--samples', '0')),
  c('analyze tabular', '--samples abc', '--samples', tab('--samples', 'abc')),
  c('analyze tabular', '--per-class 0', '--per-class', tab('--per-class', '0')),
  c('analyze tabular', '--reward foo', '--reward', tab('--reward', 'foo')),
  c('analyze tabular', '--batch-size 0', '--batch-size', tab('--batch-size', '0')),
  c('analyze tabular', '--threads 0', '--threads', tab('--threads', '0')),
  c('analyze tabular', '--device foo', '--device', tab('--device', 'foo')),
  c('analyze tabular', '--protocol foo', '--protocol', tab('--protocol', 'foo')),
  c('analyze tabular', '--estimator foo', '--estimator', tab('--estimator', 'foo')),
  c('analyze tabular', '--contexts with the exact estimator', '--contexts', tab('--contexts', '5')),
  c('analyze tabular', '--ratios 2', '--ratios', tab('--estimator', 'reference', '--ratios', '2')),
  c('analyze tabular', '--split foo', '--split', tab('--split', 'foo')),
  c('analyze tabular', '--dataset foo', '--dataset', tab('--dataset', 'foo')),
  c('analyze tabular', '--csv that does not exist', '--csv', (o) => tab('--csv', join(o, 'rows.csv'))(o)),
  c('analyze tabular', '--preprocessing that does not exist', '--preprocessing', (o) =>
    tab('--preprocessing', join(o, 'p.json'))(o),
  ),
  c('analyze tabular', '--baseline foo', '--baseline', tab('--baseline', 'foo')),
  c('analyze tabular', '--csv that is no CSV of the model (after the model opened)', '--csv', (o, f) =>
    tab('--csv', f.plain, '--preprocessing', quickstartPreprocessing)(o),
  ),
  c('analyze tabular', 'a corrupt .onnx --model', '--model', (o, f) => [
    '--model',
    f.corruptOnnx,
    '--out',
    o,
  ]),
  c('analyze tabular', 'a tfjs --model.json that is no model', '--model', (o, f) => [
    '--model',
    f.corruptTfjs,
    '--out',
    o,
  ]),
  c('analyze tabular', '--resume with nothing to resume', /--resume|--out/, tab('--resume')),
  c('analyze tabular', '--seed empty', '--seed', tab('--seed', ' ')),
  ...outputCases('analyze tabular', () => ['--model', onnxCensus]),

  // ---- measures: noise-sensitivity, generalization, transfer --------------------------------
  c('noise-sensitivity tabular', 'no --delta', "'--delta <δ>'", tab()),
  c('noise-sensitivity tabular', '--delta 0', '--delta', tab('--delta', '0')),
  c('noise-sensitivity tabular', '--delta -0.5', '--delta', tab('--delta', '-0.5')),
  c('noise-sensitivity tabular', '--delta abc', '--delta', tab('--delta', 'abc')),
  c('noise-sensitivity tabular', '--draws 1', '--draws', tab('--delta', '0.1', '--draws', '1')),
  c('noise-sensitivity tabular', '--model that does not exist', '--model', (o) => [
    '--model',
    join(o, 'nope.onnx'),
    '--delta',
    '0.1',
    '--out',
    o,
  ]),
  ...outputCases('noise-sensitivity tabular', () => ['--model', onnxCensus, '--delta', '0.1']),
  c('generalization tabular', '--test-split dev', '--test-split', tab('--test-split', 'dev')),
  c(
    'generalization tabular',
    '--train-split test (the test split too)',
    '--test-split',
    tab('--train-split', 'test'),
  ),
  c('generalization tabular', '--estimator exact', '--estimator', tab('--estimator', 'exact')),
  ...outputCases('generalization tabular', () => ['--model', onnxCensus]),
  c('transfer tabular', 'no --models', "'--models <list>'", (o) => ['--out', o]),
  c('transfer tabular', '--models naming a network twice', '--models', (o) => [
    '--models',
    `${onnxCensus},${onnxCensus}`,
    '--out',
    o,
  ]),
  c('transfer tabular', '--estimator shared', '--estimator', (o) => [
    '--models',
    onnxCensus,
    '--estimator',
    'shared',
    '--out',
    o,
  ]),
  ...outputCases('transfer tabular', () => ['--models', onnxCensus]),

  // ---- analyze vision ----------------------------------------------------------------------
  c('analyze vision', '--model that does not exist', '--model', (o) => [
    '--model',
    join(o, 'x.onnx'),
    '--out',
    o,
  ]),
  c('analyze vision', '--dataset foo', '--dataset', vis('--dataset', 'foo')),
  c('analyze vision', '--images that does not exist', '--images', (o) => vis('--images', join(o, 'imgs'))(o)),
  c('analyze vision', '--images without class folders', '--images', (o, f) =>
    vis('--images', f.emptyImages)(o),
  ),
  c('analyze vision', '--images whose class is not one of the model', '--images', (o, f) =>
    vis('--images', f.zebraImages)(o),
  ),
  c('analyze vision', '--grid 0', '--grid', vis('--grid', '0')),
  c('analyze vision', '--grid abc', '--grid', vis('--grid', 'abc')),
  c('analyze vision', '--scale -1', '--scale', vis('--scale', '-1')),
  c('analyze vision', '--mean abc', '--mean', vis('--mean', 'abc')),
  c('analyze vision', '--std 0', '--std', vis('--std', '0')),
  c('analyze vision', '--layout foo', '--layout', vis('--layout', 'foo')),
  c('analyze vision', '--channel-order foo', '--channel-order', vis('--channel-order', 'foo')),
  c('analyze vision', '--resize abc', '--resize', vis('--resize', 'abc')),
  c('analyze vision', '--limit 0', '--limit', vis('--limit', '0')),
  c('analyze vision', '--heatmaps -1', '--heatmaps', vis('--heatmaps', '-1')),
  c('analyze vision', '--vit-patch 0', '--vit-patch', vis('--vit-patch', '0')),
  c('analyze vision', '--protocol foo', '--protocol', vis('--protocol', 'foo')),
  c('analyze vision', '--pairs 0', '--pairs', vis('--pairs', '0')),
  c('analyze vision', '--contexts 0', '--contexts', vis('--contexts', '0')),
  c('analyze vision', '--repeats 0', '--repeats', vis('--repeats', '0')),
  c('analyze vision', '--baseline foo', '--baseline', vis('--baseline', 'foo')),
  c(
    'analyze vision',
    'an ONNX model without meta.json and no normalisation given',
    /--mean|--meta|normali/,
    (o, f) => ['--model', f.onnxNoMeta, '--out', o],
  ),
  ...outputCases('analyze vision', () => ['--model', cifarCnn]),

  // ---- analyze text / pointcloud -------------------------------------------------------------
  c('analyze text', '--model that does not exist', '--model', (o) => [
    '--model',
    join(o, 'bert'),
    '--out',
    o,
  ]),
  c('analyze text', '--masking foo', '--masking', txt('--masking', 'foo')),
  c('analyze text', '--arcs-top 0', '--arcs-top', txt('--arcs-top', '0')),
  c('analyze text', '--samples 0', '--samples', txt('--samples', '0')),
  c(
    'analyze text',
    '--protocol sampled with --arcs sii, which only the exact estimator gives (refused when planned)',
    '--arcs: sii needs the exact estimator',
    txt('--protocol', 'sampled', '--arcs', 'sii', '--sentence', 'a good film'),
  ),
  c(
    'analyze text',
    'a NUL byte in a sentence (it used to fail writing the SVG after the whole analysis)',
    '--sentence: the sentence holds the control character U+0000 (NUL)',
    txt('--sentence', 'a good\u0000film'),
  ),
  c(
    'analyze text',
    'a Latin-1 file read as UTF-8',
    /^--sentences: latin1\.txt is not valid UTF-8: byte 0xE9 at byte offset 6 \(line 1\)/,
    (o, f) => txt('--sentences', f.latin1Sentences)(o),
  ),
  ...outputCases('analyze text', () => ['--model', distilbert]),
  c('analyze pointcloud', '--model that does not exist', '--model', (o) => [
    '--model',
    join(o, 'p.onnx'),
    '--out',
    o,
  ]),
  c('analyze pointcloud', '--regions 0', '--regions', pc('--regions', '0')),
  c('analyze pointcloud', '--player-rule foo', '--player-rule', pc('--player-rule', 'foo')),
  c('analyze pointcloud', '--points abc', '--points', pc('--points', 'abc')),
  ...outputCases('analyze pointcloud', () => ['--model', pointnet]),

  // ---- quickstart --------------------------------------------------------------------------
  c('quickstart', '--samples 0', '--samples', quick('--samples', '0')),
  c(
    'quickstart',
    '--samples 100000 (more than the test split holds)',
    '--samples',
    quick('--samples', '100000'),
  ),
  c('quickstart', '--device foo', '--device', quick('--device', 'foo')),
  ...outputCases('quickstart', () => []),

  // ---- reproduce two-phase -----------------------------------------------------------------
  c('reproduce two-phase', '--series that does not exist', '--series', (o) => [
    '--series',
    join(o, 'none'),
    '--out',
    o,
  ]),
  c('reproduce two-phase', '--samples 0', '--samples', (o) => [
    '--series',
    twoPhaseSeries,
    '--samples',
    '0',
    '--out',
    o,
  ]),
  c('reproduce two-phase', '--preset foo', '--preset', (o) => [
    '--series',
    twoPhaseSeries,
    '--preset',
    'foo',
    '--out',
    o,
  ]),
  c('reproduce two-phase', '--modality foo', '--modality', (o) => [
    '--series',
    twoPhaseSeries,
    '--modality',
    'foo',
    '--out',
    o,
  ]),
  ...(
    [
      ['--niter', '0'],
      ['--players-seed', '-1'],
      ['--curves', '13'],
      ['--budget', 'soon'],
    ] as const
  ).map(([flag, value]) =>
    c('reproduce two-phase', `${flag} ${value}`, flag, (o) => [
      '--series',
      twoPhaseSeries,
      flag,
      value,
      '--out',
      o,
    ]),
  ),
  ...outputCases('reproduce two-phase', () => ['--series', twoPhaseSeries]),

  // ---- dynamics (its own block: samples, per-class, --lr, --curves) --------------------------
  ...(
    [
      ['--samples', '0'],
      ['--per-class', '0'],
      ['--lr', '0'],
      ['--curves', '13'],
    ] as const
  ).map(([flag, value]) =>
    c('dynamics', `${flag} ${value}`, flag, (o) => [
      '--checkpoints',
      twoPhaseSeries,
      '--modality',
      'vision',
      flag,
      value,
      '--out',
      o,
    ]),
  ),

  // ---- train tabular -----------------------------------------------------------------------
  c(
    'train tabular',
    '--csv together with --dataset (the CSV used to win silently)',
    '--dataset: give either --dataset (a built-in dataset) or --csv (your own file), not both',
    (o, f) => trainTab('--csv', f.plain, '--target', 'y', '--dataset', 'census')(o),
  ),
  c(
    'train tabular',
    '--target without --csv',
    '--target: describes a --csv file; --dataset census has its own columns',
    trainTab('--target', 'income'),
  ),
  c('train tabular', '--arch foo', '--arch', trainTab('--arch', 'foo')),
  c('train tabular', '--layers 0', '--layers', trainTab('--layers', '0')),
  c('train tabular', '--hidden 0', '--hidden', trainTab('--hidden', '0')),
  c('train tabular', '--order-loss foo', '--order-loss', trainTab('--order-loss', 'foo')),
  c('train tabular', '--loss foo (the old name)', '--order-loss', trainTab('--loss', 'foo')),
  c('train tabular', '--lambda-plus -1', '--lambda-plus', trainTab('--lambda-plus', '-1')),
  c('train tabular', '--epochs 0', '--epochs', (o) => ['--out', o, '--epochs', '0']),
  c('train tabular', '--batch-size 0', '--batch-size', trainTab('--batch-size', '0')),
  c('train tabular', '--learning-rate 0', '--learning-rate', trainTab('--learning-rate', '0')),
  c('train tabular', '--learning-rate 1e6 (diverges)', '--learning-rate', trainTab('--learning-rate', '1e6')),
  c('train tabular', '--lr 0 (the old name)', '--learning-rate', trainTab('--lr', '0')),
  c('train tabular', '--lr with --learning-rate', '--lr', trainTab('--lr', '0.1', '--learning-rate', '0.2')),
  c('train tabular', '--seed -1', '--seed', trainTab('--seed', '-1')),
  c('train tabular', '--optimizer rmsprop', '--optimizer', trainTab('--optimizer', 'rmsprop')),
  c('train tabular', '--momentum with adam', '--momentum', trainTab('--momentum', '0.5')),
  c('train tabular', '--momentum 1', '--momentum', trainTab('--optimizer', 'sgd', '--momentum', '1')),
  c('train tabular', '--momentum -0.1', '--momentum', trainTab('--optimizer', 'sgd', '--momentum', '-0.1')),
  c('train tabular', '--csv without --target', '--target', (o, f) => trainTab('--csv', f.plain)(o)),
  c('train tabular', '--csv that does not exist', '--csv', (o) =>
    trainTab('--csv', join(o, 'rows.csv'), '--target', 'y')(o),
  ),
  c('train tabular', '--test-fraction 0.95', '--test-fraction', (o, f) =>
    trainTab('--csv', f.plain, '--target', 'y', '--test-fraction', '0.95')(o),
  ),
  c('train tabular', '--train-rows 0', '--train-rows', trainTab('--train-rows', '0')),
  c('train tabular', '--save-epochs decreasing', '--save-epochs', trainTab('--save-epochs', '1,0')),
  c(
    'train tabular',
    '--save-epochs and --save-every',
    '--save-every',
    trainTab('--save-epochs', '0', '--save-every', '1'),
  ),
  c('train tabular', '--label-noise 1', '--label-noise', trainTab('--label-noise', '1')),
  c('train tabular', '--save-every 0', '--save-every', trainTab('--save-every', '0')),
  c('train tabular', '--tfjs-backend foo', '--tfjs-backend', trainTab('--tfjs-backend', 'foo')),
  c('train tabular', '--resume with no checkpoint', '--resume', trainTab('--resume')),
  c('train tabular', '--dataset foo', '--dataset', trainTab('--dataset', 'foo')),
  ...outputCases('train tabular', () => ['--epochs', '1']),

  // ---- train vision ------------------------------------------------------------------------
  c('train vision', '--grid 0', '--grid', trainVis('--grid', '0')),
  c('train vision', '--order-loss foo', '--order-loss', trainVis('--order-loss', 'foo')),
  c('train vision', '--epochs 0', '--epochs', (o) => ['--out', o, '--epochs', '0']),
  c('train vision', '--batch-size 0', '--batch-size', trainVis('--batch-size', '0')),
  c('train vision', '--learning-rate 0', '--learning-rate', trainVis('--learning-rate', '0')),
  c('train vision', '--learning-rate 1e6 (diverges)', '--learning-rate', trainVis('--learning-rate', '1e6')),
  c('train vision', '--lambda-minus -1', '--lambda-minus', trainVis('--lambda-minus', '-1')),
  c('train vision', '--seed empty', '--seed', trainVis('--seed', ' ')),
  c('train vision', '--tfjs-backend foo', '--tfjs-backend', trainVis('--tfjs-backend', 'foo')),
  c('train vision', '--resume with no checkpoint', '--resume', trainVis('--resume')),
  c('train vision', '--dataset foo', '--dataset', trainVis('--dataset', 'foo')),
  c('train vision', '--images that does not exist', '--images', (o) =>
    trainVis('--images', join(o, 'imgs'))(o),
  ),
  c('train vision', '--limit 0', '--limit', trainVis('--limit', '0')),
  ...outputCases('train vision', () => ['--epochs', '1']),

  // ---- attack ------------------------------------------------------------------------------
  c('attack', '--model that does not exist', '--model', (o) => [
    '--model',
    join(o, 'model.json'),
    '--out',
    o,
  ]),
  c('attack', 'an ONNX --model (no gradients)', '--model', (o) => ['--model', onnxCensus, '--out', o]),
  c('attack', '--eps -1', '--eps', attack('--eps', '-1')),
  c('attack', '--steps -1', '--steps', attack('--steps', '-1')),
  c('attack', '--step-size 0', '--step-size', attack('--step-size', '0')),
  c('attack', '--samples -1', '--samples', attack('--samples', '-1')),
  c('attack', '--rows 0', '--rows', attack('--rows', '0')),
  c('attack', '--tfjs-backend foo', '--tfjs-backend', attack('--tfjs-backend', 'foo')),
  c('attack', '--csv that does not exist', '--csv', (o) => attack('--csv', join(o, 'rows.csv'))(o)),
  c('attack', '--preprocessing that does not exist', '--preprocessing', (o) =>
    attack('--preprocessing', join(o, 'p.json'))(o),
  ),
  ...outputCases('attack', () => ['--model', tfjsCensus]),

  // ---- reproduce census --------------------------------------------------------------------
  c('reproduce census', '--archs foo', '--archs', repro('--archs', 'foo')),
  c('reproduce census', '--protocol foo', '--protocol', repro('--protocol', 'foo')),
  c('reproduce census', '--losses foo (table2)', '--losses', repro('--losses', 'foo')),
  c('reproduce census', 'repeated --seeds', '--seeds', repro('--seeds', '1,1')),
  c('reproduce census', '--seed and --seeds', '--seed', repro('--seed', '1', '--seeds', '0,1')),
  c('reproduce census', '--epochs 0', '--epochs', repro('--epochs', '0')),
  c('reproduce census', '--train-rows 0', '--train-rows', repro('--train-rows', '0')),
  c('reproduce census', '--samples 0', '--samples', repro('--samples', '0')),
  c('reproduce census', '--attack-rows 0', '--attack-rows', repro('--attack-rows', '0')),
  c('reproduce census', '--attack-samples -1', '--attack-samples', repro('--attack-samples', '-1')),
  c(
    'reproduce census',
    '--attack-samples with --pgd-clip',
    '--attack-samples',
    repro('--attack-samples', '2', '--pgd-clip'),
  ),
  c('reproduce census', '--optimizer foo', '--optimizer', repro('--optimizer', 'foo')),
  c('reproduce census', '--sampler foo', '--sampler', repro('--sampler', 'foo')),
  c('reproduce census', '--loss-conventions foo', '--loss-conventions', repro('--loss-conventions', 'foo')),
  c('reproduce census', '--tfjs-backend foo', '--tfjs-backend', repro('--tfjs-backend', 'foo')),
  c('reproduce census', '--eps-units foo', '--eps-units', repro('--eps-units', 'foo')),
  // ---- reproduce bottleneck ----------------------------------------------------------------
  c('reproduce bottleneck', '--size foo', '--size', quick('--size', 'foo')),
  c('reproduce bottleneck', '--quick with --size paper', '--quick', repro('--size', 'paper')),
  c('reproduce bottleneck', '--networks foo', '--networks', repro('--networks', 'census-mlp5,foo')),
  c('reproduce bottleneck', '--images 0', '--images', repro('--images', '0')),
  c('reproduce bottleneck', '--pairs x', '--pairs', repro('--pairs', 'x')),
  c('reproduce bottleneck', '--contexts -1', '--contexts', repro('--contexts', '-1')),
  c('reproduce bottleneck', '--samples 1.5', '--samples', repro('--samples', '1.5')),
  c('reproduce bottleneck', '--seed x', '--seed', repro('--seed', 'x')),
  c('reproduce bottleneck', '--device foo', '--device', repro('--device', 'foo')),
  ...outputCases('reproduce census', () => ['--quick']),

  // ---- reproduce and-or-sparsity ----------------------------------------------------------
  c('reproduce and-or-sparsity', '--networks foo', '--networks', repro('--networks', 'census-mlp5,foo')),
  c('reproduce and-or-sparsity', '--samples 0', '--samples', repro('--samples', '0')),
  c('reproduce and-or-sparsity', '--niter x', '--niter', repro('--niter', 'x')),
  c('reproduce and-or-sparsity', '--seed x', '--seed', repro('--seed', 'x')),
  c('reproduce and-or-sparsity', '--device foo', '--device', repro('--device', 'foo')),

  // ---- worker ------------------------------------------------------------------------------
  // Checked before the worker connects: no Redis listens on port 1.
  c('worker', '--concurrency 0', '--concurrency', (o) => worker(o, '--concurrency', '0')),
  c('worker', '--lock-ms 100', '--lock-ms', (o) => worker(o, '--lock-ms', '100')),
  c('worker', '--warm-models x', '--warm-models', (o) => worker(o, '--warm-models', 'x')),

  // ---- structure ---------------------------------------------------------------------------
  c('structure', '--model that does not exist', '--model', (o) => ['--model', join(o, 'm.onnx'), '--out', o]),
  c('structure', '--grid 0', '--grid', structure('--grid', '0')),
  c('structure', '--steps 1', '--steps', structure('--steps', '1')),
  c('structure', '--modes foo', '--modes', structure('--modes', 'foo')),
  c('structure', '--repeats 0', '--repeats', structure('--repeats', '0')),
  c('structure', '--samples 0', '--samples', structure('--samples', '0')),
  c('structure', '--baseline foo', '--baseline', structure('--baseline', 'foo')),
  c('structure', '--batch-size 0', '--batch-size', structure('--batch-size', '0')),
  c('structure', '--threads 0', '--threads', structure('--threads', '0')),
  c('structure', '--masked beyond n', '--masked', structure('--grid', '4', '--masked', '0,17')),
  ...outputCases('structure', () => ['--model', cifarCnn]),
];

/** The first line of stderr that reports the error. */
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';

describe('bad input to every command: exit 2, the option named, no stack, nothing left behind', () => {
  it('covers every command with at least 120 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(120);
    const commands = new Set(CASES.map((k) => k.command));
    for (const cmd of [
      'exact',
      'sample',
      'and-or',
      'plot',
      'analyze tabular',
      'analyze vision',
      'analyze text',
      'analyze pointcloud',
      'noise-sensitivity tabular',
      'generalization tabular',
      'transfer tabular',
      'quickstart',
      'train tabular',
      'train vision',
      'attack',
      'reproduce census',
      'reproduce two-phase',
      'reproduce bottleneck',
      'reproduce and-or-sparsity',
      'structure',
    ])
      expect(commands, cmd).toContain(cmd);
  });

  it.each(CASES.map((k, i) => [`${k.command}: ${k.why}`, i] as const))('%s', async (_name, i) => {
    const k = CASES[i];
    const out = join(tmp.dir, `case-${i}`);
    const argv = [...k.command.split(' '), ...k.args(out, fx)];
    const r = await runCli(['--quiet', ...argv]);
    const line = errorLine(r.stderr);
    expect({ code: r.code, line }, r.stderr).toMatchObject({ code: 2 });
    const message = line.slice('error: '.length);
    if (typeof k.names === 'string') expect(message, r.stderr).toContain(k.names);
    else expect(message, r.stderr).toMatch(k.names);
    // No stack: neither "    at fn (file:line)" frames nor a bare Error print.
    expect(r.stderr).not.toMatch(/^\s+at /m);
    // Nothing left behind: the output folder was never created, or holds nothing.
    if (existsSync(out)) expect(readdirSync(out), `left in ${out}`).toEqual([]);
  });
});

describe('counts above what the data holds are clamped with a warning, not silently', () => {
  it('structure --samples beyond the images: a warning on stderr and in structure.json', async () => {
    const out = join(tmp.dir, 'structure-clamp');
    // Three 32×32 images of two CIFAR-10 classes: the run takes well under a second.
    const images = join(tmp.dir, 'three-images');
    for (const [k, cls] of ['cat', 'cat', 'dog'].entries()) {
      mkdirSync(join(images, cls), { recursive: true });
      const rgba = new Uint8Array(32 * 32 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * (k + 3)) % 251));
      writeFileSync(join(images, cls, `${k}.png`), encodePng(rgba, 32, 32));
    }
    const r = await runCli([
      'structure',
      '--model',
      cifarCnn,
      '--images',
      images,
      '--samples',
      '5000',
      '--grid',
      '2',
      '--steps',
      '2',
      '--repeats',
      '1',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^warning: --samples 5000 asks for more images than the data .* provides \(3\); using all 3$/m,
    );
    const json = JSON.parse(readFileSync(join(out, 'structure.json'), 'utf8')) as { warnings?: string[] };
    expect(json.warnings).toEqual([expect.stringMatching(/--samples 5000 .* using all 3/)]);
  });
});
