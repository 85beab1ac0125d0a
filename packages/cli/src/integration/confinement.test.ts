/**
 * The confinement suite (issue 20, docs/security.md): hostile folders for every reader of the
 * CLI — report inputs, study files, HF text folders, tfjs folders, checkpoint folders — with
 * absolute paths, `../`, symlinked files and folders, symlink loops and composite specs. Each
 * case runs the built CLI (`node packages/cli/dist/bin.js …`) as a child under `strace -f`, and
 * asserts from the trace that no file of the `outside/` folder was opened (failed opens count),
 * besides the refusal it prints. Without a working strace only the trace assertions are
 * skipped, with a warning naming them (CI sets ORDERLENS_REQUIRE_STRACE=1 and installs it).
 *
 * The worker's payloads have their own traced suite in packages/distributed.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callsInto,
  straceAvailable,
  traceCommand,
  warnTraceSkipped,
  type TracedRun,
} from '@orderlens/core/testing';
import { tempDir } from '../test-utils/tmp.js';
// The ONNX encoder of the runtime's testing helpers, to write an external-data model.
import { encodeModelObject } from '@orderlens/runtime-onnx/testing';

const repo = (rel: string) => fileURLToPath(new URL(`../../../../${rel}`, import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const tmp = tempDir('orderlens-confine-');
/** Real path: the trace shows real paths where the kernel resolves /tmp symlinks. */
const base = realpathSync(tmp.dir);
/** Everything a hostile input points at lives here; no traced run may open anything in it. */
const outside = join(base, 'outside');
const SECRET = 'ORDERLENS-SECRET-4f1c';
const TRACED = straceAvailable();
const skippedTraces: string[] = [];

afterAll(() => {
  if (skippedTraces.length) warnTraceSkipped(skippedTraces);
  tmp.cleanup();
});

/** Runs the built CLI under strace. */
function cli(args: readonly string[]): Promise<TracedRun> {
  return traceCommand(process.execPath, [BIN, ...args], { cwd: base, timeoutMs: 180_000 });
}

/** The trace assertion: nothing in `outside/` was opened (or the skip is recorded). */
function expectNothingOpenedOutside(run: TracedRun, test: string): void {
  if (!TRACED) {
    skippedTraces.push(test);
    return;
  }
  // A trace that saw nothing proves nothing: node opens its own files first.
  expect(run.opens.length, 'the trace recorded no open at all').toBeGreaterThan(10);
  expect(
    callsInto(run.opens, outside).map((c) => `${c.call} ${c.path} = ${c.result}`),
    `${test}: files opened outside the allowed roots\n${run.stderr}`,
  ).toEqual([]);
}

/** `y = x + W`, `W` (2 floats) kept as ONNX external data at `location`. */
function externalDataModel(location: string): Uint8Array {
  const declare = (name: string) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } } },
  });
  return encodeModelObject({
    irVersion: 8,
    producerName: 'orderlens-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'external',
      node: [{ opType: 'Add', input: ['x', 'W'], output: ['y'], name: 'add' }],
      initializer: [
        {
          name: 'W',
          dims: [2],
          dataType: 1,
          dataLocation: 1,
          externalData: [
            { key: 'location', value: location },
            { key: 'offset', value: '0' },
            { key: 'length', value: '8' },
          ],
        },
      ],
      input: [declare('x')],
      output: [declare('y')],
    },
  });
}

/** A PNG (valid signature and header) that carries the secret: only confinement keeps it out. */
function secretPng(): Buffer {
  const png = readFileSync(repo('docs/report-screenshot-samples.png'));
  return Buffer.concat([png.subarray(0, 33), Buffer.from(SECRET)]);
}

/** A result folder copied from `from`, its outputs rewritten by `edit`. */
function resultFolder(
  name: string,
  from: string,
  edit: (outputs: Record<string, unknown>, dir: string) => void,
) {
  const dir = join(base, 'reports', name);
  cpSync(from, dir, { recursive: true });
  rmSync(join(dir, 'run'), { recursive: true, force: true });
  const file = join(dir, 'result.json');
  const result = JSON.parse(readFileSync(file, 'utf8')) as { outputs: Record<string, unknown> };
  edit(result.outputs, dir);
  writeFileSync(file, JSON.stringify(result));
  return dir;
}

let vision: string;
let cloud: string;
let cloudSample: string;

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`build the CLI first (npm run build): no ${BIN}`);
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'passwd'), `root:x:0:0:${SECRET}:/root:/bin/bash\n`);
  writeFileSync(join(outside, 'heatmap-0.png'), secretPng());
  // Two small analyses whose folders the report cases copy and poison (not traced).
  vision = join(base, 'src-vision');
  cloud = join(base, 'src-cloud');
  const analyses = [
    [
      'analyze',
      'vision',
      '--model',
      repo('fixtures/cifar-cnn/model.onnx'),
      '--dataset',
      'cifar10',
      '--protocol',
      'lite',
      '--pairs',
      '4',
      '--contexts',
      '3',
      '--repeats',
      '1',
      '--samples',
      '1',
      '--grid',
      '4',
      '--limit',
      '20',
      '--out',
      vision,
    ],
    [
      'analyze',
      'pointcloud',
      '--model',
      repo('fixtures/modelnet10-pointnet/model.onnx'),
      '--samples',
      '1',
      '--regions',
      '8',
      '--players',
      '4',
      '--out',
      cloud,
    ],
  ];
  await Promise.all(
    analyses.map(async (a) => {
      const r = await traceCommand(process.execPath, [BIN, '--quiet', ...a], { cwd: base });
      if (r.code !== 0) throw new Error(`fixture analysis failed: ${r.stderr}`);
    }),
  );
  const view = readdirSync(cloud).find((f) => f.endsWith('.html'))!;
  cloudSample = basename(view, '.html').replace(/^cloud-/, '');
  // A point view outside, under the name the result records, with the secret in its title.
  const html = readFileSync(join(cloud, view), 'utf8');
  writeFileSync(join(outside, view), html.replace('</title>', ` ${SECRET}</title>`));
  copyFileSync(join(cloud, `cloud-${cloudSample}.png`), join(outside, `cloud-${cloudSample}.png`));
}, 240_000);

describe('orderlens report embeds only files under each result’s own folder', () => {
  let root: string;
  beforeAll(() => {
    const heat = (outputs: Record<string, unknown>, dir: string, recorded: string) => {
      unlinkSync(join(dir, 'heatmap-0.png'));
      outputs.heatmaps = [recorded];
    };
    resultFolder('absolute', vision, (o, d) => heat(o, d, join(outside, 'heatmap-0.png')));
    resultFolder('dotdot', vision, (o, d) => heat(o, d, '../../outside/heatmap-0.png'));
    // Inside the folder, but not a PNG: refused by its first bytes.
    resultFolder('not-png', vision, (o, d) => {
      heat(o, d, 'heatmap-0.png');
      writeFileSync(join(d, 'heatmap-0.png'), 'root:x:0:0:root:/root:/bin/bash\n');
    });
    resultFolder('file-link', vision, (o, d) => {
      heat(o, d, 'heatmap-0.png');
      symlinkSync(join(outside, 'heatmap-0.png'), join(d, 'heatmap-0.png'));
    });
    resultFolder('folder-link', vision, (o, d) => {
      heat(o, d, 'pics/heatmap-0.png');
      symlinkSync(outside, join(d, 'pics'));
    });
    // Point views: the HTML and PNG recorded outside, the genuine ones removed.
    resultFolder('cloud', cloud, (o, d) => {
      for (const f of readdirSync(d)) if (f.startsWith('cloud-')) unlinkSync(join(d, f));
      o['point-view'] = [
        join(outside, `cloud-${cloudSample}.png`),
        `../../outside/cloud-${cloudSample}.html`,
      ];
    });
    // A folder symlinked out of the report folder is not walked.
    mkdirSync(join(outside, 'elsewhere'), { recursive: true });
    cpSync(vision, join(outside, 'elsewhere'), { recursive: true });
    symlinkSync(join(outside, 'elsewhere'), join(base, 'reports', 'elsewhere'));
    root = join(base, 'reports');
  });

  for (const format of ['html', 'md'] as const) {
    it(`--format ${format}: absolute, ../, symlinked file and folder, not a PNG, point views`, async () => {
      const out = join(base, `report-${format}`, `report.${format}`);
      const run = await cli(['report', root, '--format', format, '--out', out]);
      // The trace first: on code that leaks, this is what fails.
      expectNothingOpenedOutside(run, `report --format ${format}`);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/report: 6 result\(s\)/);
      // Each refusal is named (the loop as a loop), nothing else is said about them.
      // (An absolute path is only looked up by its name in the result's folder: nothing to say.)
      for (const name of ['dotdot', 'file-link', 'folder-link', 'cloud'])
        expect(run.stderr).toMatch(
          new RegExp(`warning: \\S*/reports/${name}/result\\.json: .*outside the result's folder`),
        );
      expect(run.stderr).toMatch(/reports\/not-png\/result\.json: \S*heatmap-0\.png: its content is not PNG/);
      // Nothing of the secret in anything written.
      const dir = join(base, `report-${format}`);
      for (const f of readdirSync(dir)) {
        const bytes = readFileSync(join(dir, f));
        expect(bytes.includes(SECRET), f).toBe(false);
        expect(bytes.includes(secretPng().toString('base64')), f).toBe(false);
      }
    }, 240_000);
  }

  it('a symlink loop in a result folder is named as a loop, not a raw ELOOP', async () => {
    const dir = join(base, 'report-loop');
    mkdirSync(dir);
    cpSync(vision, join(dir, 'loop'), { recursive: true });
    const d = join(dir, 'loop');
    rmSync(join(d, 'run'), { recursive: true, force: true });
    unlinkSync(join(d, 'heatmap-0.png'));
    const result = JSON.parse(readFileSync(join(d, 'result.json'), 'utf8'));
    result.outputs.heatmaps = ['loop/heatmap-0.png'];
    writeFileSync(join(d, 'result.json'), JSON.stringify(result));
    symlinkSync(join(d, 'loop'), join(d, 'loop'));
    const run = await cli(['report', dir, '--out', join(base, 'report-loop.html')]);
    expectNothingOpenedOutside(run, 'report with a symlink loop');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: \S*\/loop\/result\.json: .*is a symbolic link loop \(ELOOP\)/);
  }, 120_000);

  it('refuses a result.json symlinked out of the report folder, unread', async () => {
    const dir = join(base, 'report-result-link');
    mkdirSync(join(dir, 'a'), { recursive: true });
    symlinkSync(join(outside, 'elsewhere', 'result.json'), join(dir, 'a', 'result.json'));
    const run = await cli(['report', dir]);
    // The trace first: on code that leaks, this is what fails.
    expectNothingOpenedOutside(run, 'report of a symlinked result.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error: <dir>: .*result\.json.* resolves to .*outside the report folder/);
  }, 120_000);

  it('control: the trace does see a file the user pointed at (the report of outside/elsewhere)', async () => {
    if (!TRACED) return void skippedTraces.push('trace control');
    const run = await cli(['report', join(outside, 'elsewhere'), '--out', join(base, 'control.html')]);
    expect(run.code, run.stderr).toBe(0);
    expect(callsInto(run.opens, outside).length).toBeGreaterThan(0);
  }, 120_000);
});

describe('study files read only under the study folder or a --root', () => {
  const studyDir = () => join(base, 'study');
  beforeAll(() => {
    mkdirSync(studyDir(), { recursive: true });
    writeFileSync(join(outside, 'secret.tsv'), `sentence\tlabel\nthe ${SECRET} film is good\t1\n`);
    writeFileSync(join(outside, 'secret.csv'), `age,${SECRET}\n1,2\n`);
    copyFileSync(repo('fixtures/census-mlp5/model.onnx'), join(outside, 'model.onnx'));
    symlinkSync(join(outside, 'model.onnx'), join(studyDir(), 'linked.onnx'));
    symlinkSync(outside, join(studyDir(), 'data'));
    copyFileSync(repo('fixtures/census-mlp5/model.onnx'), join(studyDir(), 'census.onnx'));
    // A tabular model with its preprocessing beside it (so that a CSV would be read), and the
    // Fashion-MNIST CNN (so that idx data would be read).
    cpSync(repo('packages/cli/assets/quickstart'), join(studyDir(), 'qs'), { recursive: true });
    cpSync(repo('packages/vision/models/fmnist-cnn'), join(studyDir(), 'fmnist'), { recursive: true });
    cpSync(repo('fixtures/sst2-bert'), join(studyDir(), 'sst2-bert'), { recursive: true });
    copyFileSync(
      repo('packages/vision/data/fashion-mnist/t10k-images-idx3-ubyte.gz'),
      join(studyDir(), 'images.gz'),
    );
    copyFileSync(
      repo('packages/vision/data/fashion-mnist/t10k-labels-idx1-ubyte.gz'),
      join(outside, 'labels.gz'),
    );
  });
  // The models sit in the study folder, so the hostile path is the only thing outside it (and
  // the same command runs on code without --root).
  const text = 'sst2-bert';
  const cases: Array<[string, string, RegExp]> = [
    [
      'sentences: ../outside (climbs out)',
      `  - { id: t, modality: text, model: ${text}, protocol: exact, samples: 1, options: { sentences: ../outside/secret.tsv, words: '4', shortSentences: skip } }`,
      /models\[0\]\.options\.sentences: .*secret\.tsv.* outside the study folder/,
    ],
    [
      'csv: an absolute path',
      `  - { id: c, modality: tabular, model: qs/model.json, protocol: exact, samples: 1, options: { csv: ${join(outside, 'secret.csv')} } }`,
      /models\[0\]\.options\.csv: .*secret\.csv.* outside the study folder/,
    ],
    [
      'csv through a symlinked folder',
      `  - { id: c, modality: tabular, model: qs/model.json, protocol: exact, samples: 1, options: { csv: data/secret.csv } }`,
      /models\[0\]\.options\.csv: .*outside the study folder/,
    ],
    [
      'idx:<inside>,<outside> (composite spec)',
      `  - { id: v, modality: vision, model: fmnist/model.onnx, protocol: lite, samples: 1, options: { grid: 4, dataset: 'idx:images.gz,${join(outside, 'labels.gz')}' } }`,
      /models\[0\]\.options\.dataset: .*labels\.gz.* outside the study folder/,
    ],
    [
      'model: ../outside',
      `  - { id: m, modality: tabular, model: ../outside/model.onnx, protocol: exact, samples: 1, options: { dataset: census } }`,
      /models\[0\]\.model: .*model\.onnx.* outside the study folder/,
    ],
    [
      'model: a symlink out',
      `  - { id: m, modality: tabular, model: linked.onnx, protocol: exact, samples: 1, options: { dataset: census } }`,
      /models\[0\]\.model: "\S*linked\.onnx" resolves to \S*outside\/model\.onnx/,
    ],
  ];
  for (const [name, entry, error] of cases) {
    it(`refuses ${name}, with file:line:col, opening nothing outside`, async () => {
      const file = join(studyDir(), `${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, `name: hostile\nmodels:\n${entry}\n`);
      const out = join(base, 'study-out', basename(file, '.yaml'));
      const run = await cli(['study', 'run', file, '--out', out]);
      // The trace first: on code that leaks, this is what fails.
      expectNothingOpenedOutside(run, `study: ${name}`);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`error: \\S*\\.yaml:3:\\d+ ${error.source}`));
      expect(existsSync(out)).toBe(false);
    }, 180_000);
  }
});

describe('model folders: nothing linked out of them is loaded', () => {
  /** An HF text folder: the tokenizer files copied, the ONNX model linked out (file or folder). */
  function hfFolder(name: string, link: 'file' | 'folder'): string {
    const dir = join(base, 'models', name);
    mkdirSync(dir, { recursive: true });
    for (const f of readdirSync(repo('fixtures/sst2-bert')))
      if (f !== 'onnx') copyFileSync(repo(`fixtures/sst2-bert/${f}`), join(dir, f));
    const target = join(outside, name, 'onnx');
    mkdirSync(target, { recursive: true });
    copyFileSync(repo('fixtures/sst2-bert/onnx/model.onnx'), join(target, 'model.onnx'));
    if (link === 'folder') symlinkSync(target, join(dir, 'onnx'));
    else {
      mkdirSync(join(dir, 'onnx'));
      symlinkSync(join(target, 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
    }
    return dir;
  }

  for (const link of ['file', 'folder'] as const) {
    it(`HF text folder whose onnx/${link === 'file' ? 'model.onnx' : ''} is a symlink out: refused`, async () => {
      const dir = hfFolder(`hf-${link}`, link);
      const run = await cli([
        'analyze',
        'text',
        '--model',
        dir,
        '--sentence',
        'a good film',
        '--words',
        '3',
        '--protocol',
        'exact',
        '--out',
        join(base, `out-hf-${link}`),
      ]);
      // The trace first: on code that leaks, this is what fails.
      expectNothingOpenedOutside(run, `HF folder, onnx ${link} symlinked out`);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(
        /error: --model \(onnx\/model\.onnx\): .* resolves to \S*outside\/hf-\w+\/onnx\/model\.onnx, outside the model folder/,
      );
    }, 180_000);
  }

  it('tfjs: a preprocessing.json symlinked out of the model folder is refused unread', async () => {
    const dir = join(base, 'models', 'tfjs-pre');
    cpSync(repo('fixtures/census-mlp5/tfjs'), dir, { recursive: true });
    // The fixture ships its own preprocessing.json: the link takes its place.
    rmSync(join(dir, 'preprocessing.json'), { force: true });
    writeFileSync(join(outside, 'preprocessing.json'), JSON.stringify({ secret: SECRET }));
    symlinkSync(join(outside, 'preprocessing.json'), join(dir, 'preprocessing.json'));
    const run = await cli([
      'analyze',
      'tabular',
      '--model',
      join(dir, 'model.json'),
      '--dataset',
      'census',
      '--samples',
      '1',
      '--out',
      join(base, 'out-tfjs-pre'),
    ]);
    // The trace first: on code that leaks, this is what fails.
    expectNothingOpenedOutside(run, 'tfjs preprocessing.json symlinked out');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/error: --model \(preprocessing\.json\): .*outside the model folder/);
  }, 180_000);

  it('tfjs: a weight shard named ../outside or linked out is refused unread', async () => {
    for (const how of ['dotdot', 'link']) {
      const dir = join(base, 'models', `tfjs-shard-${how}`);
      cpSync(repo('fixtures/census-mlp5/tfjs'), dir, { recursive: true });
      const shard = join(outside, `shard-${how}.bin`);
      copyFileSync(join(dir, 'group1-shard1of1.bin'), shard);
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      if (how === 'dotdot') json.weightsManifest[0].paths = [`../../outside/shard-${how}.bin`];
      else {
        unlinkSync(join(dir, 'group1-shard1of1.bin'));
        symlinkSync(shard, join(dir, 'group1-shard1of1.bin'));
      }
      writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
      const run = await cli([
        'analyze',
        'tabular',
        '--model',
        join(dir, 'model.json'),
        '--dataset',
        'census',
        '--samples',
        '1',
        '--out',
        join(base, `out-shard-${how}`),
      ]);
      // The trace first: on code that leaks, this is what fails.
      expectNothingOpenedOutside(run, `tfjs shard (${how})`);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/weightsManifest\[0\]\.paths\[0\]: .*outside the model folder/);
    }
  }, 240_000);

  it('ONNX external data at ../outside, at an absolute path or linked out: refused unread', async () => {
    writeFileSync(join(outside, 'w.bin'), Buffer.from(new Float32Array([0.5, -2]).buffer));
    for (const [how, location] of [
      ['dotdot', '../../outside/w.bin'],
      ['absolute', join(outside, 'w.bin')],
      ['link', 'w.bin'],
    ]) {
      const dir = join(base, 'models', `external-${how}`);
      mkdirSync(dir, { recursive: true });
      if (how === 'link') symlinkSync(join(outside, 'w.bin'), join(dir, 'w.bin'));
      writeFileSync(join(dir, 'model.onnx'), externalDataModel(location));
      const run = await cli([
        'analyze',
        'tabular',
        '--model',
        join(dir, 'model.onnx'),
        '--dataset',
        'census',
        '--samples',
        '1',
        '--out',
        join(base, `out-external-${how}`),
      ]);
      // The trace first: on code that leaks, this is what fails.
      expectNothingOpenedOutside(run, `ONNX external data (${how})`);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(
        /graph\.initializer\[0\]\.external_data\.location: .*outside the model folder/,
      );
    }
  }, 240_000);

  it('checkpoints: an epoch-0/ folder symlinked out, and a loop, are refused unread', async () => {
    const dir = join(base, 'models', 'ckpt');
    mkdirSync(dir, { recursive: true });
    cpSync(repo('fixtures/census-mlp5/tfjs'), join(outside, 'epoch-0'), { recursive: true });
    cpSync(repo('fixtures/census-mlp5/tfjs'), join(dir, 'epoch-1'), { recursive: true });
    symlinkSync(join(outside, 'epoch-0'), join(dir, 'epoch-0'));
    const run = await cli([
      'dynamics',
      '--checkpoints',
      dir,
      '--modality',
      'tabular',
      '--samples',
      '1',
      '--out',
      join(base, 'out-ckpt'),
    ]);
    // The trace first: on code that leaks, this is what fails.
    expectNothingOpenedOutside(run, 'checkpoint epoch-0 symlinked out');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/error: --checkpoints epoch-0: .*outside the checkpoints folder/);
    unlinkSync(join(dir, 'epoch-0'));
    symlinkSync(join(dir, 'epoch-0'), join(dir, 'epoch-0'));
    const loop = await cli([
      'dynamics',
      '--checkpoints',
      dir,
      '--modality',
      'tabular',
      '--samples',
      '1',
      '--out',
      join(base, 'out-ckpt-loop'),
    ]);
    expect(loop.code, loop.stderr).toBe(2);
    expect(loop.stderr).toMatch(/error: --checkpoints epoch-0: .*symbolic link loop/);
  }, 240_000);
});

it('strace traces here where CI runs (ORDERLENS_REQUIRE_STRACE=1)', () => {
  if (process.env.ORDERLENS_REQUIRE_STRACE === '1') expect(TRACED).toBe(true);
});
