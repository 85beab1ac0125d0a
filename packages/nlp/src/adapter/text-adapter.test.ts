import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  adapters,
  estimators,
  pairStrategy,
  ModelGateway,
  parseAdapterOptions,
  planAnalysis,
  runAnalysis,
  type OpenedModel,
  type WordPlayers,
} from '@orderlens/core';
import { expectInputError, expectInputErrorAsync, tempDir } from '@orderlens/core/testing';
import '../index.js';
import { BagOfWordsRunner, BERT_DIR, copyTokenizer, DEV_TSV, openedModel } from '../test-utils/index.js';
import { TEXT_OPTIONS } from './text-options.js';
import { openTextSession } from './text-session.js';

const open = (
  raw: Record<string, unknown>,
  model: OpenedModel = openedModel(new BagOfWordsRunner(), BERT_DIR),
  warn?: (m: string) => void,
) => openTextSession({ options: parseAdapterOptions(TEXT_OPTIONS, raw), model, warn });

describe('the text adapter', () => {
  it('registers itself as "text" on import', () => {
    const a = adapters.get('text');
    expect(a.defaultProtocol).toBe('exact');
    expect(a.protocols.map((p) => p.name)).toEqual(['exact', 'sampled']);
    expect(a.protocols[1].pairs).toEqual({ name: 'sequence', maxDistance: 1 });
    expect(a.options.descriptors.map((o) => o.flag.split(' ')[0])).toContain('--baseline-token');
  });

  it('runs the exact protocol end to end; an additive model has no interactions and Shapley values are word effects', async () => {
    const runner = new BagOfWordsRunner(['input_ids', 'attention_mask']);
    const session = await open(
      { sentence: ['an unflinchingly bleak and desperate , often-funny story'], words: '4', label: 1 },
      openedModel(runner, BERT_DIR),
    );
    expect(session.candidates).toBe(1);
    expect(session.details.labels).toBe('option');
    const t = session.texts[0];
    const descriptor = (await session.players(0, new ModelGateway())).descriptor as WordPlayers;
    expect(descriptor.words).toEqual(['unflinchingly', 'bleak', 'desperate', 'often-funny']);
    const result = await runAnalysis({
      modality: 'text',
      session,
      model: openedModel(runner, BERT_DIR),
      estimator: estimators.get('exact'),
      estimatorOptions: estimators.get('exact').options.parse({}),
      selection: { rule: 'correct' },
      reward: 'logit',
      seed: 1,
    });
    const s = result.samples[0];
    expect(s.modelCalls).toBe(16);
    for (const row of s.multiOrder!.values) for (const v of row) expect(Math.abs(v)).toBeLessThan(1e-5);
    // Shapley value of a word = Σ over its pieces of w(piece) − w([MASK]) (the logit of class 1).
    descriptor.tokenSpans.forEach(([a, e], i) => {
      let phi = 0;
      for (let p = a; p < e; p++)
        phi += BagOfWordsRunner.weight(t.sentence.ids[p]) - BagOfWordsRunner.weight(103);
      expect(s.shapley![i]).toBeCloseTo(phi, 5);
    });
    const out = tempDir('nlp-pic-');
    try {
      const pics = await session.writePictures!(result, out.dir);
      expect(pics['word-arcs']).toHaveLength(1);
      expect(readFileSync(pics['word-arcs'][0], 'utf8')).toContain('<svg');
    } finally {
      out.cleanup();
    }
  });

  it('runs the sampled protocol on a sentence with more players than the exact engine affords, on adjacent pairs', async () => {
    const runner = new BagOfWordsRunner();
    const text = Array.from({ length: 16 }, (_, k) => `word${k}`).join(' ');
    const session = await open({ sentence: [text], words: 'all', label: 1 }, openedModel(runner, BERT_DIR));
    const protocol = adapters.get('text').protocols.find((p) => p.name === 'sampled')!;
    const estimator = estimators.get(protocol.estimator);
    const result = await runAnalysis({
      modality: 'text',
      session,
      model: openedModel(runner, BERT_DIR),
      estimator,
      estimatorOptions: estimator.options.parse({ ...protocol.estimatorOptions, contexts: 4 }),
      pairs: pairStrategy(protocol.pairs!),
      selection: { rule: 'all' },
      reward: 'logit',
      seed: 3,
    });
    expect(result.n).toBe(16);
    expect(result.samples[0].multiOrder!.pairs).toEqual(Array.from({ length: 15 }, (_, i) => [i, i + 1]));
    const out = tempDir('nlp-pic-');
    try {
      // No SII from a sampled estimator: the default picture shows the mean over the orders.
      const auto = await session.writePictures!(result, out.dir);
      const svg = readFileSync(auto['word-arcs'][0], 'utf8');
      expect(svg).toContain('<path');
      expect(svg).toContain(`mean of I^(m)(i,j) over m = ${result.orders.join(', ')}, 10 strongest pairs`);
      const s2 = await open(
        { sentence: [text], words: 'all', label: 1, arcs: `order:${result.orders[1]}` },
        openedModel(runner, BERT_DIR),
      );
      const pics = await s2.writePictures!(result, out.dir);
      expect(readFileSync(pics['word-arcs'][0], 'utf8')).toContain('<path');
    } finally {
      out.cleanup();
    }
  });

  it('refuses, when planned, word arcs the chosen estimator cannot give', () => {
    const text = adapters.get('text');
    const plan = (protocol: string, raw: Record<string, unknown>) =>
      planAnalysis(text, { protocol }, parseAdapterOptions(TEXT_OPTIONS, { sentence: ['a b'], ...raw }));
    // The documented `--protocol sampled` with the default arcs plans fine.
    expect(plan('sampled', {}).estimatorName).toBe('reference');
    expect(plan('exact', { arcs: 'sii' }).estimatorName).toBe('exact');
    expectInputError(
      () => plan('sampled', { arcs: 'sii' }),
      '--arcs',
      /sii needs the exact estimator; protocol sampled uses reference/,
    );
    expectInputError(
      () => plan('exact', { arcs: 'order:9', words: '4' }),
      '--arcs',
      /order 9 is not computed for 4 players under protocol exact; the orders are 0, 1, 2/,
    );
    expect(plan('exact', { arcs: 'order:2', words: '4' }).protocol).toBe('exact');
  });

  it('reads SST-2 labels, skips short sentences with a warning when asked', async () => {
    const warnings: string[] = [];
    const session = await open({ sentences: DEV_TSV, shortSentences: 'skip' }, undefined, (m) =>
      warnings.push(m),
    );
    expect(session.details.labels).toBe('data');
    expect(session.candidates).toBeGreaterThan(100);
    expect(session.candidates).toBeLessThan(872);
    expect(warnings[0]).toMatch(/left out \d+ of 872 sentences with fewer than 10 words/);
    expect(session.candidate(0)).toEqual({ id: 'dev-2', label: 1 });
    for (const t of session.texts) expect(t.playerWords).toHaveLength(10);
    const inputs = await session.inputs(0, 3);
    expect(inputs.input_ids.dims[0]).toBe(3);
    expect(Object.keys(inputs).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    expect(session.details).toMatchObject({
      masking: 'token',
      baselineToken: 'mask',
      baselineTokenId: 103,
      maxLength: 128,
    });
  });

  it('--word-choice random draws n eligible words per sentence from the seed, in reading order (two-phase paper)', async () => {
    const session = await open({
      sentences: DEV_TSV,
      shortSentences: 'skip',
      wordChoice: 'random',
      playersSeed: 5,
    });
    const first = await open({ sentences: DEV_TSV, shortSentences: 'skip' });
    const seen = new Set<string>();
    let differsFromFirst = 0;
    session.texts.forEach((t, k) => {
      const words = t.playerWords!;
      expect(words).toHaveLength(10);
      expect(new Set(words).size).toBe(10);
      expect(words).toEqual([...words].sort((a, b) => a - b));
      // Only words the player rule accepts (no stop-words, punctuation or special tokens).
      for (const w of words) expect(t.eligible).toContain(w);
      if (words.join() !== first.texts[k].playerWords!.join()) differsFromFirst++;
      seen.add(`${t.eligible.length}:${words.map((w) => t.eligible.indexOf(w)).join()}`);
    });
    // Not the first ten: a sentence with more than ten eligible words almost never draws them.
    expect(differsFromFirst).toBeGreaterThan(session.texts.length / 2);
    // Different sentences draw different positions among their eligible words.
    expect(seen.size).toBeGreaterThan(session.texts.length / 2);
    // Reproducible from the seed; another seed draws other words.
    const again = await open({
      sentences: DEV_TSV,
      shortSentences: 'skip',
      wordChoice: 'random',
      playersSeed: 5,
    });
    expect(again.texts.map((t) => t.playerWords)).toEqual(session.texts.map((t) => t.playerWords));
    const other = await open({
      sentences: DEV_TSV,
      shortSentences: 'skip',
      wordChoice: 'random',
      playersSeed: 6,
    });
    expect(other.texts.map((t) => t.playerWords)).not.toEqual(session.texts.map((t) => t.playerWords));
    expect(session.details.players).toMatchObject({ choice: 'random', seed: 5 });
    const { descriptor } = await session.players(0, new ModelGateway());
    const t = session.texts[0];
    expect((descriptor as WordPlayers).words).toEqual(t.playerWords!.map((w) => t.sentence.words[w]));
  });

  it('--word-choice effect takes the words whose masking alone moves the log-odds most, counted as word effects', async () => {
    const runner = new BagOfWordsRunner();
    const text = 'bleak desperate charming journey affecting story film';
    const session = await open(
      { sentence: [text], words: '3', wordChoice: 'effect', label: 1 },
      openedModel(runner, BERT_DIR),
    );
    expect(session.texts[0].playerWords).toBeUndefined();
    const gateway = new ModelGateway();
    const { descriptor } = await session.players(0, gateway);
    expect(gateway.calls).toMatchObject({ 'word-effects': 8, selection: 0, total: 8 });
    // Additive model: the effect of a word is the sum of w(piece) − w([MASK]) over its pieces.
    const t = session.texts[0];
    const effect = t.sentence.wordSpans.map(([a, e]) => {
      let d = 0;
      for (let p = a; p < e; p++)
        d += BagOfWordsRunner.weight(t.sentence.ids[p]) - BagOfWordsRunner.weight(103);
      return Math.abs(d);
    });
    const want = effect
      .map((d, w) => ({ d, w }))
      .sort((a, b) => b.d - a.d)
      .slice(0, 3)
      .map((x) => x.w)
      .sort((a, b) => a - b);
    expect((descriptor as WordPlayers).words).toEqual(want.map((w) => t.sentence.words[w]));
    expect(session.details.players).toMatchObject({ choice: 'effect' });
  });

  it('takes --label for unlabelled text, else the predicted class, and refuses it for labelled files', async () => {
    const s = await open({ sentence: ['good good film here today'], words: '2', label: 0 });
    expect(s.candidate(0).label).toBe(0);
    const runner = new BagOfWordsRunner();
    const p = await open(
      { sentence: ['good film', 'bad film', 'a good day'], words: '2' },
      openedModel(runner, BERT_DIR),
    );
    expect(p.details.labels).toBe('prediction');
    // Nothing is predicted at open: the analysis asks, through the runner it counts.
    expect(runner.calls).toBe(0);
    expect(p.candidate(0).label).toBe(-1);
    const gateway = new ModelGateway();
    await p.predictLabels!(gateway.wrap(runner, 'selection'), [2]);
    expect(gateway.calls).toMatchObject({ selection: 1, total: 1 }); // that sentence alone
    await p.predictLabels!(gateway.wrap(runner, 'selection'));
    expect(gateway.calls).toMatchObject({ selection: 3, total: 3 }); // the other two, not again
    const out = await runner.run(await p.inputs(0, 2));
    expect([p.candidate(0).label, p.candidate(1).label]).toEqual(
      [0, 1].map((r) => (out.data[2 * r + 1] > out.data[2 * r] ? 1 : 0)),
    );
    await expect(open({ sentences: DEV_TSV, label: 1 })).rejects.toThrow(/--label: .* has a label column/);
  });

  describe('bad input fails before any work, naming the input', () => {
    it('an empty sentence', async () => {
      await expect(open({ sentence: ['  '] })).rejects.toThrow(/--sentence: the sentence is empty/);
    });

    it('a sentence with fewer content words than asked', async () => {
      await expect(open({ sentence: ['it is a film .'], words: '3' })).rejects.toThrow(
        /--words: sentence sentence-0 \(--sentence: "it is a film \."\) has 1 word the player rule "content" accepts, fewer than the 3 asked/,
      );
      await expect(open({ sentences: DEV_TSV })).rejects.toThrow(
        /--words: sentence dev-0 \(dev\.tsv line 2: .*\) has 4 words/,
      );
    });

    it('a model folder without a tokenizer', async () => {
      const t = tempDir('nlp-empty-');
      try {
        await expect(
          open({ sentence: ['good film'], words: '2' }, openedModel(new BagOfWordsRunner(), t.dir)),
        ).rejects.toThrow(/--model: .* has no tokenizer\.json/);
      } finally {
        t.cleanup();
      }
    });

    it('a tokenizer without a mask token, with the mask baseline', async () => {
      const t = tempDir('nlp-nomask-');
      try {
        copyTokenizer(t.dir, (c) => delete c.mask_token);
        const model = openedModel(new BagOfWordsRunner(), t.dir);
        await expect(open({ sentence: ['good film'], words: '2' }, model)).rejects.toThrow(
          /--baseline-token: the tokenizer in .* has no mask token/,
        );
        // Other baselines, or attention masking, still work.
        await expect(
          open({ sentence: ['good film'], words: '2', baselineToken: 'unk' }, model),
        ).resolves.toBeDefined();
        await expect(
          open({ sentence: ['good film'], words: '2', masking: 'attention' }, model),
        ).resolves.toBeDefined();
      } finally {
        t.cleanup();
      }
    });

    it('a NUL or another control character, before the tokenizer sees it', async () => {
      await expectInputErrorAsync(
        () => open({ sentence: ['good', 'bad\u0000film'], words: '2' }),
        '--sentence #2',
        /control character U\+0000 \(NUL\)/,
      );
    });

    it('--encoding for inline sentences, which are not decoded', async () => {
      await expectInputErrorAsync(
        () => open({ sentence: ['good film'], words: '2', encoding: 'latin1' }),
        '--encoding',
        /applies to a --sentences file/,
      );
    });

    it('a tokenizer that maps most words to [UNK], naming the share', async () => {
      // Words of a script the BERT vocabulary lacks entirely become [UNK].
      await expectInputErrorAsync(
        () => open({ sentence: ['ᚠᚢᚦ ᚨᚱᚲ ᚷᚹᚺ good'], words: '2' }),
        '--model (tokenizer.json)',
        /maps 3 of 4 words \(75 %, more than 50 %\) entirely to \[UNK\], e\.g\. "ᚠᚢᚦ", "ᚨᚱᚲ", "ᚷᚹᚺ"/,
      );
      // One unknown word in two is still analysed.
      await expect(
        open({ sentence: ['ᚠᚢᚦ good'], words: '2', label: 1, playerRule: 'every' }),
      ).resolves.toBeDefined();
    });

    it('an empty WordPiece vocabulary', async () => {
      const t = tempDir('nlp-novocab-');
      try {
        copyTokenizer(t.dir);
        const json = JSON.parse(readFileSync(join(t.dir, 'tokenizer.json'), 'utf8')) as {
          model: { vocab: Record<string, number> };
        };
        json.model.vocab = {};
        writeFileSync(join(t.dir, 'tokenizer.json'), JSON.stringify(json));
        await expectInputErrorAsync(
          () => open({ sentence: ['good film'], words: '2' }, openedModel(new BagOfWordsRunner(), t.dir)),
          '--model (tokenizer.json)',
          /the WordPiece vocabulary \(model\.vocab\) is empty/,
        );
      } finally {
        t.cleanup();
      }
    });

    it("a sentence longer than the model's maximum length", async () => {
      await expect(
        open({ sentence: ['a very good film indeed , truly'], words: '2', maxLength: 6 }),
      ).rejects.toThrow(
        /--sentence: sentence sentence-0 has 9 tokens \(special tokens included\), more than the model's maximum length 6 \(--max-length\)/,
      );
      const long = Array.from({ length: 130 }, (_, k) => `w${k}`).join(' ');
      await expect(open({ sentence: [long], words: '2' })).rejects.toThrow(
        /more than the model's maximum length 128/,
      );
    });

    it('a model whose inputs are not token ids', async () => {
      await expect(
        open(
          { sentence: ['good film'], words: '2' },
          openedModel(new BagOfWordsRunner(['pixel_values']), BERT_DIR),
        ),
      ).rejects.toThrow(/--model: the model's inputs are pixel_values; a text model takes token ids/);
    });

    it('more players than the exact protocol takes (--max-players, default 12), naming the sentence', async () => {
      const runner = new BagOfWordsRunner();
      const text = Array.from({ length: 14 }, (_, k) => `word${k}`).join(' ');
      const session = await open({ sentence: [text], words: 'all', label: 1 }, openedModel(runner, BERT_DIR));
      const protocol = adapters.get('text').protocols[0];
      const exact = estimators.get(protocol.estimator);
      await expect(
        runAnalysis({
          modality: 'text',
          session,
          model: openedModel(runner, BERT_DIR),
          estimator: exact,
          estimatorOptions: exact.options.parse(protocol.estimatorOptions),
          selection: { rule: 'all' },
          reward: 'log-odds',
          seed: 0,
        }),
      ).rejects.toThrow(
        /n = 14 is too large .* the limit is n ≤ 12\. Use the sampled estimator instead\. \(sample sentence-0\)/,
      );
      expect(runner.calls).toBe(0);
    });

    it('bad option values and model inputs', async () => {
      const text = Array.from({ length: 14 }, (_, k) => `word${k}`).join(' ');
      // The option schema refuses them as they are parsed, and the session again for values a
      // program passes unparsed.
      expect(() => open({ sentence: [text], words: 'many' })).toThrow(
        /--words: expected an integer ≥ 2 or "all", got "many"/,
      );
      const model = openedModel(new BagOfWordsRunner(), BERT_DIR);
      await expect(openTextSession({ options: { sentence: [text], words: 'many' }, model })).rejects.toThrow(
        /--words: expected an integer ≥ 2 or "all"/,
      );
      await expect(
        open(
          { sentence: [text] },
          {
            ...openedModel(new BagOfWordsRunner(), BERT_DIR),
            inputs: [{ name: 'input_ids', type: 'float32' }],
          },
        ),
      ).rejects.toThrow(
        /--model: the model's input input_ids is float32; a text model takes token ids as int64/,
      );
      expect(() => open({ sentence: [text], baselineToken: 'blank' })).toThrow(
        /--baseline-token: expected mask, pad, unk or id:<n>, got "blank"/,
      );
      await expect(
        openTextSession({ options: { sentence: [text], baselineToken: 'blank' }, model }),
      ).rejects.toThrow(/--baseline-token: expected mask, pad, unk or id:<n>/);
      await expect(
        open(
          { sentence: [text], masking: 'attention' },
          openedModel(new BagOfWordsRunner(['input_ids']), BERT_DIR),
        ),
      ).rejects.toThrow(/--masking: attention masking needs a model that takes attention_mask/);
      expect(existsSync(BERT_DIR)).toBe(true);
    });
  });
});
