import {
  OrderlensInputError,
  adapters,
  requireInput,
  type AdapterOpenRequest,
  type ModalityAdapter,
  type ModalitySession,
  type OptionDescriptor,
} from '@orderlens/core';
import { TabularPreprocessor } from '../preprocess/preprocessor.js';
import { baselineFor, loadRows, preprocessingBeside } from './tabular-data.js';
import { tabularSession } from './tabular-session.js';
import { tabularViews } from './tabular-views.js';

/** The tabular adapter's options. */
export const TABULAR_OPTIONS: readonly OptionDescriptor[] = [
  {
    key: 'dataset',
    flag: '--dataset <name>',
    type: 'string',
    description: 'built-in dataset: census (default unless --csv)',
  },
  {
    key: 'csv',
    flag: '--csv <file>',
    type: 'string',
    path: true,
    description: 'rows of your own data (needs the preprocessing saved with the model)',
  },
  {
    key: 'split',
    flag: '--split <train|test>',
    type: 'string',
    choices: ['train', 'test'],
    description: 'census split (default test)',
  },
  {
    key: 'preprocessing',
    flag: '--preprocessing <file>',
    type: 'string',
    path: true,
    description: 'preprocessing.json of the model (default beside the model)',
  },
  {
    key: 'baseline',
    flag: '--baseline <spec>',
    type: 'string',
    default: 'mean',
    description: 'absent attributes: mean (training mean), zero, median, custom:v,v,…',
  },
];

/**
 * Tables as games: each attribute (a group of model inputs for one-hot columns) is a player,
 * absent attributes take the baseline (the training mean by default). `n = 12` for census, so
 * the exact estimator computes every interaction of every order.
 */
export const tabularAdapter: ModalityAdapter = {
  name: 'tabular',
  description: 'tabular classifiers: one player per attribute, mean baseline',
  options: TABULAR_OPTIONS,
  views: tabularViews,
  protocols: [
    {
      name: 'exact',
      description: 'every coalition of the attributes, every I^(m)(i,j) in closed form',
      estimator: 'exact',
      estimatorOptions: {},
    },
  ],
  defaultProtocol: 'exact',
  defaultSelection: { rule: 'correct', samples: 100, balance: true },
  dataSources: ['census', '--csv <file>'],
  async open(request: AdapterOpenRequest): Promise<ModalitySession> {
    const o = request.options as {
      dataset?: string;
      csv?: string;
      split?: string;
      preprocessing?: string;
      baseline: string;
    };
    const model = request.model;
    if (
      o.csv === undefined &&
      o.preprocessing === undefined &&
      o.dataset === undefined &&
      preprocessingBeside(model.file) === undefined
    )
      request.warn?.(
        `no preprocessing.json beside ${model.file}: assuming the census preset's preprocessing`,
      );
    if (o.csv !== undefined && o.dataset !== undefined)
      throw new OrderlensInputError('--csv', 'give either --csv or --dataset, not both');
    if (o.csv !== undefined && o.split !== undefined)
      throw new OrderlensInputError('--split', 'applies to the built-in census dataset, not to --csv');
    const pre = o.preprocessing ? TabularPreprocessor.load(o.preprocessing) : preprocessingBeside(model.file);
    const rows = loadRows(
      { dataset: o.dataset, csv: o.csv, split: o.split, baseline: o.baseline },
      pre,
      request.warn,
    );
    const baseline = baselineFor(o.baseline, rows, o.csv === undefined);
    const d = rows.featureCount;
    const inputName = model.runner.inputNames[0] ?? 'x';
    const declared = model.inputs[0]?.shape;
    const width =
      declared && declared.length === 2 && typeof declared[1] === 'number' ? declared[1] : undefined;
    requireInput(
      width === undefined || width === d,
      '--model',
      `${model.file} takes ${width} inputs per row, but the data have ${d} (${rows.featureNames.join(', ')})`,
    );
    return tabularSession(rows, {
      baseline,
      inputName,
      details: {
        features: rows.featureNames,
        baseline: { spec: o.baseline, values: Array.from(baseline) },
        preprocessing: o.preprocessing ?? (pre ? 'beside the model' : 'census preset'),
      },
    });
  },
};

adapters.register(tabularAdapter);
