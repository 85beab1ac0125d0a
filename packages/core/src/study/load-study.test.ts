import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tmp.js';
import { loadStudy } from './load-study.js';
import { StudyFileError } from './study-source.js';
import { adapters } from '../adapter/registry.js';
import { OrderlensInputError } from '../errors/errors.js';
import { ANALYSIS_SETTINGS } from '../analysis/analysis-settings.js';
import { studyEntrySchema } from './study-schema.js';
import { registerToy, toyAdapter, writeToyModel } from './test-utils/toy.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());
beforeAll(registerToy);

/** Writes `text` as a study next to a toy model (`models/a.toy.json`) and returns its path. */
function study(text: string, name = 'study.yaml'): string {
  tmp = tempDir('orderlens-study-load-');
  mkdirSync(join(tmp.dir, 'models'));
  writeToyModel(join(tmp.dir, 'models', 'a.toy.json'));
  writeFileSync(join(tmp.dir, 'data.txt'), 'x');
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

/** The StudyFileError of loading `text`. */
function errorOf(text: string, name?: string, what = ''): StudyFileError {
  const path = study(text, name);
  try {
    loadStudy(path);
  } catch (e) {
    expect(e).toBeInstanceOf(StudyFileError);
    return e as StudyFileError;
  }
  throw new Error(`expected the study to be refused ${what}`);
}

const GOOD = `name: s
seed: 3
defaults:
  toy:
    samples: 2
    options:
      players: 4
models:
  - id: a
    modality: toy
    model: models/a.toy.json
    options:
      candidates: 3
      data: data.txt
  - id: b
    modality: toy
    model: models/a.toy.json
    protocol: sampled
    contexts: 2
    seeds: [1, 2]
`;

describe('loadStudy', () => {
  it('merges modality defaults under each entry, resolves paths against the file and expands seeds', () => {
    const s = loadStudy(study(GOOD));
    expect(s.models.map((m) => m.id)).toEqual(['a', 'b.seed-1', 'b.seed-2']);
    const [a, b1] = s.models;
    expect(a.seed).toBe(3);
    expect(a.plan.adapterOptions).toMatchObject({
      players: 4,
      candidates: 3,
      data: join(tmp!.dir, 'data.txt'),
    });
    // The hashed settings keep the path as written, so a moved folder keeps its hash.
    expect(a.settings.options).toMatchObject({ data: 'data.txt' });
    expect(a.plan.selection).toMatchObject({ rule: 'all', samples: 2 });
    expect(a.model.file).toBe(join(tmp!.dir, 'models', 'a.toy.json'));
    expect(a.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b1.seed).toBe(1);
    expect(b1.plan.estimatorName).toBe('reference');
    expect(b1.plan.estimatorOptions.contexts).toBe(2);
    expect(b1.plan.pairs).toEqual({ name: 'sequence', maxDistance: 1 });
  });

  it('hashes what changes the numbers, not cosmetic options or the name', () => {
    const h = loadStudy(study(GOOD)).hash;
    expect(loadStudy(study(GOOD.replace('name: s', 'name: other'))).hash).toBe(h);
    expect(
      loadStudy(study(GOOD.replace('      candidates: 3', '      candidates: 3\n      note: hi'))).hash,
    ).toBe(h);
    expect(loadStudy(study(GOOD.replace('samples: 2', 'samples: 3'))).hash).not.toBe(h);
    expect(loadStudy(study(GOOD.replace('seed: 3', 'seed: 4'))).hash).not.toBe(h);
  });

  it("checks an analysis setting by the analysis settings' own schema, as the CLI does", () => {
    for (const key of Object.keys(ANALYSIS_SETTINGS.schema.shape))
      expect(studyEntrySchema.shape[key as keyof typeof studyEntrySchema.shape], key).toBe(
        ANALYSIS_SETTINGS.schema.shape[key as keyof typeof ANALYSIS_SETTINGS.schema.shape],
      );
    const entry = (extra: Record<string, unknown>) =>
      JSON.stringify({
        name: 's',
        models: [{ id: 'a', modality: 'toy', model: 'models/a.toy.json', ...extra }],
      });
    // The messages of `--contexts 0` and `--ratios 0,2`, at the study file's field.
    expect(errorOf(entry({ contexts: 0 }), 'study.json').message).toMatch(
      /models\[0\]\.contexts: expected an integer ≥ 1, got 0$/,
    );
    expect(errorOf(entry({ ratios: [0, 2] }), 'study.json').message).toMatch(
      /models\[0\]\.ratios\[1\]: expected a number ≥ 0 and ≤ 1, got 2$/,
    );
  });

  it('reads JSON study files with positions too', () => {
    const json = JSON.stringify(
      { name: 's', models: [{ id: 'a', modality: 'toy', model: 'models/a.toy.json', contexts: 'x' }] },
      null,
      2,
    );
    const e = errorOf(json, 'study.json');
    expect(e.message).toMatch(/study\.json:\d+:\d+ models\[0\]\.contexts: expected an integer ≥ 1, got "x"/);
    expect(e.line).toBe(json.split('\n').findIndex((l) => l.includes('"contexts"')) + 1);
  });

  it('names file, line and field for every kind of mistake', () => {
    const line = (text: string, needle: string) =>
      text.split('\n').findLastIndex((l) => l.includes(needle)) + 1;
    const cases: Array<{ text: string; field: string; needle: string; message: RegExp }> = [
      // An adapter option out of its descriptor's range (set in the entry).
      {
        text: GOOD.replace('candidates: 3', 'candidates: 0'),
        field: 'models[0].options.candidates',
        needle: 'candidates: 0',
        message: /expected at least 1, got 0/,
      },
      // ... and set in the modality defaults: the error points there.
      {
        text: GOOD.replace('players: 4', 'players: 40'),
        field: 'defaults.toy.options.players',
        needle: 'players: 40',
        message: /expected at most 10/,
      },
      {
        text: GOOD.replace('candidates: 3', 'candidatez: 3'),
        field: 'models[0].options.candidatez',
        needle: 'candidatez',
        message: /unknown toy option; expected one of players, candidates/,
      },
      {
        text: GOOD.replace('protocol: sampled', 'protocol: nope'),
        field: 'models[1].protocol',
        needle: 'protocol: nope',
        message: /unknown protocol "nope" for toy; expected one of exact, sampled/,
      },
      {
        text: GOOD.replace('contexts: 2', 'contexts: 0'),
        field: 'models[1].contexts',
        needle: 'contexts: 0',
        message: /expected an integer ≥ 1/,
      },
      {
        text: GOOD.replace('    protocol: sampled\n', ''),
        field: 'models[1].contexts',
        needle: 'contexts: 2',
        message: /the exact estimator has no such option/,
      },
      {
        text: GOOD.replace(
          'model: models/a.toy.json\n    protocol',
          'model: models/missing.onnx\n    protocol',
        ),
        field: 'models[1].model',
        needle: 'missing.onnx',
        message: /models\/missing\.onnx does not exist/,
      },
      {
        text: GOOD.replace('    protocol: sampled', '    protocl: sampled'),
        field: 'models[1].protocl',
        needle: 'protocl',
        message: /unknown field; expected one of id, modality, model/,
      },
      {
        text: GOOD.replace(
          'modality: toy\n    model: models/a.toy.json\n    protocol',
          'modality: toys\n    model: models/a.toy.json\n    protocol',
        ),
        field: 'models[1].modality',
        needle: 'modality: toys',
        message: /unknown modality "toys"/,
      },
      {
        text: GOOD.replace('  - id: b', '  - id: a'),
        field: 'models[1].id',
        needle: '  - id: a', // the second one
        message: /duplicate model id "a"/,
      },
      {
        text: GOOD.replace('  - id: b\n    modality', '  - modality'),
        field: 'models[1].id',
        needle: '  - modality: toy',
        message: /required field is missing/,
      },
      {
        text: GOOD.replace('    options:\n      players: 4', '    options:\n      maxPlayers: 4'),
        field: 'defaults.toy.options.maxPlayers',
        needle: 'maxPlayers: 4',
        message: /set it as the model's "maxPlayers"/,
      },
      {
        text: GOOD.replace('seeds: [1, 2]', 'seeds: []'),
        field: 'models[1].seeds',
        needle: 'seeds: []',
        message: /too small|at least 1|>=1/i,
      },
      {
        text: GOOD.replace('seed: 3', 'seed: 3\nreward: x'),
        field: 'reward',
        needle: 'reward: x',
        message: /unknown field/,
      },
    ];
    for (const c of cases) {
      const e = errorOf(c.text, undefined, c.field);
      expect(e.path, c.field).toBe(c.field);
      expect(e.line, c.field).toBe(line(c.text, c.needle));
      expect(e.message, c.field).toMatch(c.message);
      expect(e.message, c.field).toContain(`study.yaml:${e.line}:`);
    }
  });

  it('refuses YAML aliases, alias bombs and merge keys at their line and field', () => {
    const bomb = 'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n' + GOOD;
    const cases: Array<[string, number, number, string, RegExp]> = [
      [bomb, 2, 8, 'b[0]', /YAML aliases \(\*a\) are not allowed in a study file/],
      [
        GOOD.replace('seed: 3', 'seed: &s 3').replace('contexts: 2', 'contexts: *s'),
        19,
        15,
        'models[1].contexts',
        /YAML aliases \(\*s\)/,
      ],
      [
        GOOD.replace('  - id: b\n', '  - id: b\n    <<: {samples: 3}\n'),
        16,
        5,
        'models[1]',
        /YAML merge keys \(<<\) are not allowed.*defaults:/,
      ],
    ];
    for (const [text, line, column, path, message] of cases) {
      const e = errorOf(text);
      expect({ line: e.line, column: e.column, path: e.path }, path).toEqual({ line, column, path });
      expect(e.message).toMatch(message);
      expect(e.message).toContain(`study.yaml:${line}:${column} ${path}: `);
    }
  });

  it('refuses deep nesting and oversized files before parsing them, with a position', () => {
    const brackets = errorOf(GOOD + 'description: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n');
    expect(brackets.message).toMatch(/study\.yaml:21:46 description: brackets nested more than 32 deep/);
    // Brackets inside a quoted string are text.
    expect(() => loadStudy(study(GOOD + 'description: "' + '['.repeat(5000) + '"\n'))).not.toThrow();
    const blocks = Array.from({ length: 40 }, (_, k) => `${'  '.repeat(k + 4)}k${k}:`).join('\n');
    const deep = errorOf(
      GOOD.replace('      data: data.txt\n', `      data: data.txt\n      deep:\n${blocks} 1\n`),
    );
    expect(deep.message).toMatch(/nested more than 32 deep/);
    expect(deep.path).toMatch(/^models\[0\]\.options\.deep(\.k\d+)+$/);
    const big = errorOf(GOOD + '# ' + 'x'.repeat(1_100_000) + '\n');
    expect(big.message).toMatch(
      /study\.yaml:1:1: the file is \d+ bytes; a study file may be at most 1048576 bytes/,
    );
  });

  it('says what a wrongly typed or out-of-range setting got, at the setting itself', () => {
    const cases: Array<[string, string, string, RegExp]> = [
      [
        GOOD.replace('seed: 3', 'seed: 0.5'),
        'seed',
        'seed: 0.5',
        /expected a seed: an integer or a non-empty string, got 0\.5/,
      ],
      [GOOD.replace('seeds: [1, 2]', 'seeds: [1, 0.5]'), 'models[1].seeds[1]', 'seeds: [1, 0.5]', /got 0\.5/],
      // Set on the entry, refused by the estimator: named at the entry's maxPlayers, not at
      // estimator options the file does not have.
      [
        GOOD.replace('    protocol: sampled\n    contexts: 2', '    maxPlayers: 30'),
        'models[1].maxPlayers',
        'maxPlayers: 30',
        /expected at most 26, got 30/,
      ],
      [
        GOOD.replace('    samples: 2\n', '    samples: 2\n    maxPlayers: 30\n'),
        'defaults.toy.maxPlayers',
        'maxPlayers: 30',
        /expected at most 26, got 30/,
      ],
    ];
    for (const [text, path, needle, message] of cases) {
      const e = errorOf(text, undefined, path);
      expect(e.path).toBe(path);
      expect(e.line, path).toBe(text.split('\n').findIndex((l) => l.includes(needle)) + 1);
      expect(e.message).toMatch(message);
    }
  });

  it("names an adapter's plan check at the study option it concerns", () => {
    // A toy adapter that, like the text adapter's --arcs sii, refuses an option value the
    // sampled estimator cannot serve.
    if (!adapters.has('toy-checked'))
      adapters.register({
        ...toyAdapter,
        name: 'toy-checked',
        checkPlan(plan) {
          if (plan.estimatorName !== 'exact' && plan.adapterOptions.candidates === 3)
            throw new OrderlensInputError(plan.optionField('candidates'), 'needs the exact estimator');
        },
      });
    const text = GOOD.replace(/modality: toy\n/g, 'modality: toy-checked\n')
      .replace('defaults:\n  toy:', 'defaults:\n  toy-checked:')
      .replace('    protocol: sampled\n', '    protocol: sampled\n    options:\n      candidates: 3\n');
    const e = errorOf(text, undefined, 'candidates');
    expect(e.path).toBe('models[1].options.candidates');
    expect(e.line).toBe(text.split('\n').findLastIndex((l) => l.includes('candidates: 3')) + 1);
    expect(e.message).toMatch(/needs the exact estimator/);
  });

  it('reports YAML syntax errors at their line', () => {
    const text = 'name: s\nmodels:\n  - id: a\n    id: b\n';
    const e = errorOf(text);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/study\.yaml:4:\d+: .*unique/i);
  });
});

describe('loadStudy confines every path to the study folder or a root', () => {
  const withData = (data: string, model = 'models/a.toy.json') =>
    `name: s\nmodels:\n  - { id: a, modality: toy, model: ${model}, options: { data: '${data}' } }\n`;

  it('refuses ../, absolute paths, symlinks out and each part of a composite spec, naming file:line:col', () => {
    const outside = tempDir('orderlens-study-outside-');
    try {
      writeFileSync(join(outside.dir, 'secret.txt'), 'secret');
      for (const data of [
        '../../etc/passwd',
        join(outside.dir, 'secret.txt'),
        `idx:data.txt,${join(outside.dir, 'secret.txt')}`,
      ]) {
        const e = errorOf(withData(data), undefined, data);
        expect(e.message).toMatch(
          /study\.yaml:3:\d+ models\[0\]\.options\.data: .* outside the study folder .*; a study may read only files under the study folder; add `root` <dir>/,
        );
      }
      const path = study(withData('link/secret.txt'));
      symlinkSync(outside.dir, join(dirname(path), 'link'));
      expect(() => loadStudy(path)).toThrow(
        /models\[0\]\.options\.data: .*resolves to .*secret\.txt, outside the study folder/,
      );
      // A root the user named lets it through, and the model too.
      expect(loadStudy(path, { roots: [outside.dir] }).models[0].plan.adapterOptions.data).toBe(
        join(dirname(path), 'link', 'secret.txt'),
      );
      const far = errorOf(withData('data.txt', join(outside.dir, 'secret.txt')));
      expect(far.message).toMatch(/models\[0\]\.model: .*secret\.txt.* outside the study folder/);
    } finally {
      outside.cleanup();
    }
  });

  it('per model (a worker): a model whose paths leave the roots is kept unhashed, marked refused', () => {
    const path = study(withData('../../etc/passwd'));
    const s = loadStudy(path, { roots: [dirname(path)], studyFolder: false, perModel: true });
    expect(s.models[0].model.sha256).toBe('');
    expect(s.models[0].refused?.message).toMatch(
      /study\.yaml:3:\d+ models\[0\]\.options\.data: .*outside the folders this worker may read/,
    );
  });
});
