import { Registry } from '../registry/registry.js';
import { andOrEstimator } from './and-or-estimator.js';
import type { Estimator } from './estimator.js';
import { exactEstimator } from './exact-estimator.js';
import { adaptiveEstimator, referenceEstimator, sharedEstimator } from './sampled-estimator.js';

/**
 * The estimators every analysis can name (`--estimator`, study files, worker jobs). Packages
 * register more with `estimators.register(myEstimator)`.
 */
export const estimators = new Registry<Estimator<any>>('estimator', 'estimator'); // eslint-disable-line @typescript-eslint/no-explicit-any

estimators.register(exactEstimator);
estimators.register(referenceEstimator);
estimators.register(sharedEstimator);
estimators.register(adaptiveEstimator);
estimators.register(andOrEstimator);
