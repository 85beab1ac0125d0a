import { pairMatrixView, type AdapterViews } from '@orderlens/core';

/** Report pictures of tabular results: the attribute × attribute matrix of pair values. */
export const tabularViews: AdapterViews = {
  sample: (sample, context) => [pairMatrixView(sample, context.paint.chartFont)],
};
