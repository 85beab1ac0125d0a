/**
 * Noise sensitivity on text: the session's perturbed players add `ε` to the word embeddings of the
 * sentence's own tokens and leave the baseline token of an absent word unperturbed, so
 * `v(S | x + ε)` is the model on `(x + ε)_S`. Checked on the BERT fixture: zero noise gives the
 * clean game exactly; noise on one player's tokens only changes the coalitions holding that player.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelGame, ModelGateway, parseAdapterOptions, type OpenedModel } from '@orderlens/core';
import { gameTable } from '@orderlens/core/math';
import { OnnxRunner } from '@orderlens/runtime-onnx';
import { BERT_DIR, openedModel } from '../test-utils/index.js';
import { textModelFile } from '../tokenizer/model-folder.js';
import { TEXT_OPTIONS } from './text-options.js';
import { openTextSession } from './text-session.js';

describe('noise on the input embeddings of a text model', () => {
  let runner: OnnxRunner;
  let model: OpenedModel;
  beforeAll(async () => {
    runner = await OnnxRunner.create(textModelFile(BERT_DIR), { providers: ['cpu'] });
    model = openedModel(runner, BERT_DIR);
  });
  afterAll(async () => runner?.dispose());

  const open = () =>
    openTextSession({
      options: parseAdapterOptions(TEXT_OPTIONS, {
        sentence: ['an unflinchingly bleak and desperate , often-funny story'],
        words: '4',
        label: 1,
      }),
      model,
    });
  const table = async (players: {
    masker: import('@orderlens/core').Masker;
    runner?: import('@orderlens/core').ModelRunner;
  }) =>
    gameTable(
      new ModelGame(players.masker, players.runner ?? runner, { reward: { name: 'logit', label: 1 } }),
    );

  it('zero noise is the clean game; noise on one word changes exactly the coalitions that hold it', async () => {
    const session = await open();
    try {
      const gateway = new ModelGateway();
      const clean = await table(await session.players(0, gateway));
      const zero = await table(await session.perturbedPlayers!(0, () => undefined, gateway));
      expect(Array.from(zero)).toEqual(Array.from(clean));

      // Noise on the tokens of player 1 ("bleak") only: a coalition without it reads the baseline
      // token there, unperturbed, so its value is the clean one.
      const t = session.texts[0];
      const [start, end] = t.sentence.wordSpans[t.playerWords![1]];
      const noisy = await session.perturbedPlayers!(
        0,
        (x) => {
          const w = x.length / t.sentence.ids.length;
          for (let i = start * w; i < end * w; i++) x[i] += 0.05 * Math.sin(i + 1);
        },
        gateway,
      );
      const v = await table(noisy);
      for (let S = 0; S < 16; S++) {
        if (S & 0b10) expect(Math.abs(v[S] - clean[S]), `coalition ${S}`).toBeGreaterThan(1e-4);
        else expect(v[S], `coalition ${S}`).toBe(clean[S]);
      }
      expect(gateway.calls.total).toBe(0); // the tables ran through unwrapped runners
    } finally {
      await session.dispose?.();
    }
  });
});
