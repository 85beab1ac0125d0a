import type { OptionDescriptor } from '@orderlens/core';

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
