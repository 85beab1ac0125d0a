import { z } from 'zod';
import { optionField, optionBlock } from '@orderlens/core';

/** The tabular adapter's options: one schema, from which flags, help and checks are derived. */
export const TABULAR_OPTIONS = optionBlock({
  dataset: optionField(z.string().optional().describe('built-in dataset: census (default unless --csv)'), {
    flag: '--dataset <name>',
  }),
  csv: optionField(
    z.string().optional().describe('rows of your own data (needs the preprocessing saved with the model)'),
    { flag: '--csv <file>', path: true },
  ),
  split: optionField(z.enum(['train', 'test']).optional().describe('census split (default test)'), {
    flag: '--split <train|test>',
  }),
  preprocessing: optionField(
    z.string().optional().describe('preprocessing.json of the model (default beside the model)'),
    { flag: '--preprocessing <file>', path: true },
  ),
  baseline: optionField(
    z
      .string()
      .default('mean')
      .describe('absent attributes: mean (training mean), zero, median, custom:v,v,…'),
    { flag: '--baseline <spec>' },
  ),
});
