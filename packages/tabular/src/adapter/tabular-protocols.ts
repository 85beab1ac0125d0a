import type { AnalysisProtocol } from '@orderlens/core';

/** The tabular protocols: with n = 12 attributes (census) every coalition is evaluated. */
export const TABULAR_PROTOCOLS: readonly AnalysisProtocol[] = [
  {
    name: 'exact',
    description: 'every coalition of the attributes, every I^(m)(i,j) in closed form',
    estimator: 'exact',
    estimatorOptions: {},
  },
];
