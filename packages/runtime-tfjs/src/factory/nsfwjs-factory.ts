import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  OrderlensInputError,
  runners,
  type OpenModelRequest,
  type OpenedModel,
  type RunnerFactory,
} from '@orderlens/core';
import { materializeNsfwjs, type NsfwjsVariant } from '../pretrained/nsfwjs.js';
import { tfjsRunnerFactory } from './tfjs-factory.js';

/**
 * `nsfwjs[:mobilenet_v2|mobilenet_v2_mid]`: the pretrained MobileNetV2 whose weights ship inside
 * the nsfwjs npm package, written out once as a tfjs model (with its meta.json) and opened by the
 * tfjs factory (whose runner yields between batches, so Ctrl-C is seen).
 */
export const nsfwjsRunnerFactory: RunnerFactory = {
  name: 'nsfwjs',
  description: 'the pretrained nsfwjs MobileNetV2 (weights in its npm package)',
  devices: tfjsRunnerFactory.devices,
  accepts: (spec) => spec === 'nsfwjs' || spec.startsWith('nsfwjs:'),
  async open(request: OpenModelRequest): Promise<OpenedModel> {
    const variant = (request.spec.split(':')[1] ?? 'mobilenet_v2') as NsfwjsVariant;
    if (variant !== 'mobilenet_v2' && variant !== 'mobilenet_v2_mid')
      throw new OrderlensInputError(
        request.field ?? '--model',
        `unknown nsfwjs variant "${variant}"; expected mobilenet_v2 or mobilenet_v2_mid`,
      );
    const files = materializeNsfwjs(join(tmpdir(), `orderlens-nsfwjs-${variant}`), variant, import.meta.url);
    const opened = await tfjsRunnerFactory.open({ ...request, spec: files.modelJson });
    return { ...opened, format: 'nsfwjs' };
  },
};

// Before tfjs in lookup order does not matter: tfjs accepts only paths ending in .json.
runners.register(nsfwjsRunnerFactory);
