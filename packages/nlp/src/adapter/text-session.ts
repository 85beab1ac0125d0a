import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hasCapability,
  OrderlensInputError,
  predictedClass,
  requireInput,
  writeFileAtomic,
  type AdapterOpenRequest,
  type InteractionResult,
  type ModalitySession,
  type Masker,
  type CountedRunner,
  type ModelGateway,
  type NoiseScale,
  type NoisyEmbeddingModel,
  type SamplePlayers,
} from '@orderlens/core';
import { readSentences, type SentenceRecord } from '../data/sentences.js';
import { resolveBaselineToken } from '../masking/baseline-token.js';
import { EmbeddingNoiseRunner } from '../masking/embedding-noise-runner.js';
import { textInputLayout } from '../masking/model-inputs.js';
import { batchInputs } from '../masking/unmasked-inputs.js';
import { AttentionMasker, TokenMasker } from '../masking/word-piece-masker.js';
import { englishStopwords, STOPWORDS_FILE } from '../players/stopwords.js';
import { randomWords } from '../players/random-words.js';
import { chooseByEffect } from '../players/word-effects.js';
import { eligibleWords, wordPlayersDescriptor } from '../players/word-players.js';
import { classifyWords } from '../players/word-rule.js';
import { arcSourceLabel, arcValues, parseArcSource, wordArcsSvg } from '../pictures/word-arcs.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { readTextModelConfig, textModelFolder } from '../tokenizer/model-folder.js';
import { refuseMostlyUnknownWords } from '../tokenizer/unknown-words.js';
import { tokenizeWords, type TokenizedSentence } from '../tokenizer/word-alignment.js';
import { parseTextOptions } from './text-options.js';

/** One analysable sentence of a session: its text, tokens and players. */
export interface TextCandidate {
  readonly record: SentenceRecord;
  readonly sentence: TokenizedSentence;
  /** Word indices the player rule accepts, ascending. */
  readonly eligible: readonly number[];
  /**
   * Word indices of the players, ascending; with `--word-choice effect` known only once
   * `players()` has run for the sentence.
   */
  playerWords?: readonly number[];
  label: number;
}

/** Sentences scored per model call when labels are predicted. */
const PREDICT_BATCH = 64;

/**
 * Opens a text analysis (see the `text` adapter): reads the options, the model folder's
 * tokenizer and config, the sentences; tokenises every sentence and chooses its players; checks
 * lengths, player counts and labels — all before any estimation, so a bad sentence is reported
 * before the first coalition is evaluated.
 */
export async function openTextSession(
  request: AdapterOpenRequest,
): Promise<ModalitySession & { readonly texts: readonly TextCandidate[] }> {
  const o = parseTextOptions(request.options);
  const warn = request.warn ?? (() => undefined);
  const arcSource = parseArcSource(o.arcs);
  const layout = textInputLayout(request.model.runner.inputNames, request.model.inputs);
  requireInput(
    o.masking !== 'attention' || layout.attentionMask,
    '--masking',
    `attention masking needs a model that takes attention_mask; this one takes ${request.model.runner.inputNames.join(', ')} (use --masking token)`,
  );
  const folder = textModelFolder(request.model.dir);
  const config = readTextModelConfig(folder);
  const tokenizer = await loadTokenizer(folder);
  if (config.vocabSize !== undefined)
    requireInput(
      tokenizer.vocabSize <= config.vocabSize,
      '--model',
      `the tokenizer has ${tokenizer.vocabSize} ids but config.json's vocab_size is ${config.vocabSize}; tokenizer and model do not belong together`,
    );
  const baselineId = o.masking === 'token' ? resolveBaselineToken(o.baselineToken, tokenizer) : undefined;
  // The graph's own position table is the real limit: a config.json from another model may claim
  // more, and a longer input would only fail inside ONNX Runtime (a raw Gather index error).
  const table = hasCapability(request.model.runner, 'sequenceLimits')
    ? await request.model.runner.capabilities.sequenceLimits.positionTable()
    : undefined;
  if (table !== undefined && config.maxPositionEmbeddings !== undefined)
    requireInput(
      config.maxPositionEmbeddings <= table.rows,
      '--model (config.json)',
      `max_position_embeddings is ${config.maxPositionEmbeddings}, but the model's position-embedding table (${table.name}) has ${table.rows} rows; config.json does not belong to this model`,
    );
  const positions = table?.rows ?? config.maxPositionEmbeddings;
  const limit = Math.min(tokenizer.modelMaxLength ?? Infinity, positions ?? Infinity);
  const maxLength = o.maxLength ?? (Number.isFinite(limit) ? limit : 512);
  if (positions !== undefined)
    requireInput(
      maxLength <= positions,
      '--max-length',
      table !== undefined
        ? `${maxLength} is more than the ${table.rows} positions of the model's position-embedding table (${table.name})`
        : `${maxLength} is more than the model's max_position_embeddings ${positions}`,
    );
  const source = readSentences({ sentences: o.sentences, sentence: o.sentence, encoding: o.encoding });
  requireInput(
    o.label === undefined || !source.labelled,
    '--label',
    `${source.data} has a label column; --label is for sentences without labels`,
  );
  const stopwords = englishStopwords();
  const texts: TextCandidate[] = [];
  let skipped = 0;
  const tokenized = source.sentences.map((record) => {
    const field = o.sentences !== undefined ? `--sentences (${record.where})` : record.where;
    const sentence = tokenizeWords(tokenizer, record.text, field);
    requireInput(
      sentence.ids.length <= maxLength,
      field,
      `sentence ${record.id} has ${sentence.ids.length} tokens (special tokens included), more than the model's maximum length ${maxLength} (--max-length)`,
    );
    return sentence;
  });
  const unk = tokenizer.special.unk;
  refuseMostlyUnknownWords(
    tokenized,
    unk,
    unk === undefined ? '' : tokenizer.tokenOf(unk),
    '--model (tokenizer.json)',
  );
  for (const [k, record] of source.sentences.entries()) {
    const sentence = tokenized[k];
    let eligible: number[];
    try {
      eligible = eligibleWords(classifyWords(sentence, tokenizer, stopwords), {
        rule: o.playerRule,
        count: o.words,
        sentenceId: `${record.id} (${record.where}: "${record.text.trim()}")`,
      });
    } catch (e) {
      if (o.shortSentences === 'skip' && e instanceof OrderlensInputError) {
        skipped++;
        continue;
      }
      throw e;
    }
    const n = o.words === 'all' ? eligible.length : o.words;
    texts.push({
      record,
      sentence,
      eligible,
      playerWords:
        o.wordChoice === 'first' || o.words === 'all'
          ? eligible.slice(0, n)
          : o.wordChoice === 'random'
            ? randomWords(eligible, n, o.playersSeed, record.id)
            : undefined,
      label: record.label ?? o.label ?? -1,
    });
  }
  if (skipped > 0)
    warn(
      `--short-sentences skip: left out ${skipped} of ${source.sentences.length} sentences with fewer than ${o.words} words the player rule "${o.playerRule}" accepts`,
    );
  requireInput(
    texts.length > 0,
    '--short-sentences',
    `every one of the ${source.sentences.length} sentences has fewer than ${o.words} words the player rule accepts`,
  );

  const padId = tokenizer.special.pad ?? 0;
  const inputs = (start: number, end: number) =>
    batchInputs(
      texts.slice(start, end).map((t) => t.sentence.ids),
      layout,
      padId,
    );
  const labelsFrom: 'data' | 'option' | 'prediction' = source.labelled
    ? 'data'
    : o.label !== undefined
      ? 'option'
      : 'prediction';
  // Unlabelled text is explained for the class the model gives it, so the reward is the log-odds
  // of the model's own decision (every sentence then counts as classified correctly). The labels
  // are predicted when the analysis asks (`predictLabels`, through its counted runner), not here.
  const unlabelled = labelsFrom === 'prediction';
  if (unlabelled) for (const t of texts) t.label = -1;
  const classes =
    config.labels?.length ?? (unlabelled ? undefined : Math.max(2, ...texts.map((t) => t.label + 1)));
  if (classes !== undefined)
    for (const t of texts)
      requireInput(
        unlabelled || t.label < classes,
        o.sentences !== undefined ? `--sentences (${t.record.where})` : '--label',
        `label ${t.label} is not one of the model's ${classes} classes`,
      );
  const predictLabels = async (runner: CountedRunner, indices?: readonly number[]): Promise<void> => {
    if (!unlabelled) return;
    const todo = (indices ?? texts.map((_, k) => k)).filter((k) => texts[k].label < 0);
    for (let start = 0; start < todo.length; start += PREDICT_BATCH) {
      const batch = todo.slice(start, start + PREDICT_BATCH);
      const out = await runner.run(
        batchInputs(
          batch.map((k) => texts[k].sentence.ids),
          layout,
          padId,
        ),
      );
      requireInput(
        out.rows === batch.length,
        'model output',
        `expected ${batch.length} rows, got ${out.rows}`,
      );
      batch.forEach((k, r) => (texts[k].label = predictedClass(out, r)));
    }
  };

  const stopwordsSha = createHash('sha256').update(readFileSync(STOPWORDS_FILE)).digest('hex');
  const details = {
    tokenizer: { class: tokenizer.className, sha256: tokenizer.sha256 },
    inputs: request.model.runner.inputNames,
    masking: o.masking,
    ...(o.masking === 'token' ? { baselineToken: o.baselineToken, baselineTokenId: baselineId } : {}),
    players: {
      rule: o.playerRule,
      words: o.words,
      choice: o.wordChoice,
      ...(o.wordChoice === 'random' ? { seed: o.playersSeed } : {}),
      shortSentences: o.shortSentences,
      stopwordsSha256: stopwordsSha,
    },
    maxLength,
    labels: labelsFrom,
    ...(skipped > 0 ? { skipped } : {}),
  };

  const players = async (k: number, gateway: ModelGateway): Promise<SamplePlayers> => {
    const t = texts[k];
    const maskerOf = (words: readonly number[]): Masker => {
      const common = { ids: t.sentence.ids, spans: words.map((w) => t.sentence.wordSpans[w]), layout };
      return o.masking === 'token'
        ? new TokenMasker({ ...common, baseline: baselineId! })
        : new AttentionMasker(common);
    };
    if (!t.playerWords) {
      // Counted as word effects: these calls choose the players, they estimate nothing.
      const chosen = await chooseByEffect({
        eligible: t.eligible,
        count: o.words as number,
        masker: maskerOf(t.eligible),
        runner: gateway.wrap(request.model.runner, 'word-effects'),
        label: t.label,
      });
      t.playerWords = chosen.words;
    }
    return {
      descriptor: wordPlayersDescriptor(t.sentence, t.playerWords),
      masker: maskerOf(t.playerWords),
    };
  };

  // Built on the first noise draw (a graph edit and a second session), shared by every draw.
  const capability = hasCapability(request.model.runner, 'embeddingNoise')
    ? request.model.runner.capabilities.embeddingNoise
    : undefined;
  let noisy: Promise<NoisyEmbeddingModel> | undefined;
  const noisyModel = capability && (() => (noisy ??= capability.noisyEmbeddings()));

  return {
    data: source.data,
    candidates: texts.length,
    classes,
    texts,
    candidate: (k) => ({ id: texts[k].record.id, label: texts[k].label }),
    predictLabels,
    inputs,
    players,
    // Noise on the input embeddings (ε added to every token's word embedding, absent words taking
    // the unperturbed baseline token): only a runtime that can edit the graph offers it.
    ...(noisyModel !== undefined
      ? {
          async perturbedPlayers(k: number, perturb: (input: Float32Array) => void, gateway: ModelGateway) {
            const model = await noisyModel();
            const base = await players(k, gateway);
            const ids = texts[k].sentence.ids;
            const noise = new Float32Array(ids.length * model.width);
            perturb(noise);
            return { ...base, runner: new EmbeddingNoiseRunner(model, ids, noise) };
          },
          // δ is in the embedding table's units: record which table and the RMS of its entries.
          async noiseScale(): Promise<NoiseScale> {
            const model = await noisyModel();
            return { space: 'word-embeddings', table: model.table, width: model.width, rms: model.tableRms };
          },
        }
      : {}),
    async dispose() {
      // A build that failed has nothing to release (its error went to the analysis).
      if (noisy !== undefined)
        await noisy.then(
          (m) => m.runner.dispose(),
          () => undefined,
        );
    },
    details,
    async writePictures(result: InteractionResult, outDir: string): Promise<Record<string, string[]>> {
      const sample = result.samples[0];
      if (!sample || sample.players.kind !== 'words') return {};
      const t = texts[sample.index] as TextCandidate | undefined;
      // Each player's word read off its first token, so the picture is right however the
      // players were chosen (and after a resume, when players() never ran in this process).
      const wordIndex =
        t && t.record.id === sample.id
          ? sample.players.tokenSpans.map(([s]) => t.sentence.wordOfToken[s])
          : undefined;
      const arcs = arcValues(sample, arcSource);
      const svg = wordArcsSvg(sample.players, arcs, {
        top: o.arcsTop,
        title: `${sample.id} (label ${sample.label}): ${arcSourceLabel(sample, arcSource)}, ${Math.min(o.arcsTop, arcs.length)} strongest pairs`,
        wordIndex,
      });
      const path = join(outDir, `word-arcs-${sample.id.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`);
      writeFileAtomic(path, svg);
      return { 'word-arcs': [path] };
    },
  };
}
