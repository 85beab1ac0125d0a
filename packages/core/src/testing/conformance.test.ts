import { exactEstimator } from '../estimators/exact-estimator.js';
import { referenceEstimator, sharedEstimator } from '../estimators/sampled-estimator.js';
import { andOrEstimator } from '../estimators/and-or-estimator.js';
import { describeEstimator } from './conformance.js';

// Every registered estimator of core against the closed forms of sum-of-unanimity games.
describeEstimator(exactEstimator, {}, { exact: true });
describeEstimator(andOrEstimator, { niter: 10 }, { exact: true });
describeEstimator(referenceEstimator, { contexts: 200, ratios: [0, 0.5, 1] });
describeEstimator(sharedEstimator, { contexts: 200, ratios: [0, 0.5, 1] });
