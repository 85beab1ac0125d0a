/**
 * @orderlens/nlp: the `text` modality adapter. Importing the package registers it with core's
 * adapter registry (`adapters.get('text')`), as runtime backends register themselves on import.
 */
import { adapters } from '@orderlens/core';
import { textAdapter } from './adapter/text-adapter.js';

export {
  MAX_UNKNOWN_WORD_SHARE,
  TOKENIZER_FILES,
  countUnknownWords,
  loadTokenizer,
  readFolderJson,
  readTextModelConfig,
  refuseMostlyUnknownWords,
  textModelFile,
  textModelFolder,
  tokenizeWords,
} from './tokenizer/index.js';
export type { TextModelConfig, TextTokenizer, TokenizedSentence } from './tokenizer/index.js';
export {
  PLAYER_RULES,
  STOPWORDS_FILE,
  chooseByEffect,
  chooseWordPlayers,
  classifyWords,
  eligible,
  eligibleWords,
  englishStopwords,
  parseStopwords,
  wordPlayersDescriptor,
} from './players/index.js';
export type {
  ChooseWordsOptions,
  EffectChoiceOptions,
  PlayerRule,
  WordChoice,
  WordCount,
  WordKind,
} from './players/index.js';
export {
  AttentionMasker,
  BASELINE_TOKENS,
  TEXT_MODEL_INPUTS,
  TokenMasker,
  batchInputs,
  resolveBaselineToken,
  textInputLayout,
} from './masking/index.js';
export type { TextInputLayout, TextMasking, WordPieceMaskerOptions } from './masking/index.js';
export {
  TEXT_ENCODINGS,
  decodeSentenceBytes,
  firstInvalidUtf8,
  inlineSentences,
  readSentenceFile,
  readSentences,
  refuseControlCharacters,
} from './data/index.js';
export type { SentenceRecord, SentenceSource, TextEncoding } from './data/index.js';
export {
  arcSourceLabel,
  arcValues,
  parseArcSource,
  resolveArcSource,
  wordArcsSvg,
} from './pictures/index.js';
export type { ArcSource, WordArc, WordArcsOptions } from './pictures/index.js';
export {
  DEFAULT_MAX_PLAYERS,
  DEFAULT_WORDS,
  TEXT_OPTIONS,
  TEXT_PROTOCOLS,
  checkArcsAgainstPlan,
  openTextSession,
  parseTextOptions,
  textAdapter,
} from './adapter/index.js';
export type { TextCandidate, TextOptions } from './adapter/index.js';

adapters.register(textAdapter);
