#!/usr/bin/env node
// The Node side of tools/gpu/check.sh (which installs what is missing and builds first).
//
//   node tools/gpu/gpu-check.mjs probe            which GPU providers load the CIFAR CNN; one line
//                                                 each, `ok <runtime> <device>` or `no <runtime>
//                                                 <device> <reason>`
//   node tools/gpu/gpu-check.mjs compare <cpu.json> <gpu.json>…
//                                                 rows/s and J(m) of each result beside the CPU's;
//                                                 exit 1 when a J(m) differs from the CPU's by more
//                                                 than its error bar
//
// Every probe opens the real model through the product's device policy (`openModel` with a named
// device: no silent fallback), so "ok" means that provider really created a session for it.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CIFAR = `${repo}fixtures/cifar-cnn/model.onnx`;
// tfjs has no export of the CIFAR CNN; its census MLP shows whether tfjs-node-gpu loads a model.
const TFJS_MODEL = `${repo}fixtures/census-mlp5/tfjs/model.json`;

async function probe() {
  const { openModel } = await import('@orderlens/core');
  await import('@orderlens/runtime-onnx');
  const tryOpen = async (runtime, spec, device) => {
    try {
      const model = await openModel({ spec, device, log: () => {} });
      await model.runner.dispose();
      // A named device is used alone or refused, so a model that opened runs on it.
      console.log(`ok ${runtime} ${device} ${model.device}`);
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      console.log(`no ${runtime} ${device} ${reason}`);
    }
  };
  await tryOpen('onnx', CIFAR, 'cuda');
  await tryOpen('onnx', CIFAR, 'webgpu');
  let gpuTfjs = false;
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    gpuTfjs = true;
  } catch {
    console.log('no tfjs cuda @tensorflow/tfjs-node-gpu is not installed');
  }
  if (gpuTfjs) {
    await import('@orderlens/runtime-tfjs');
    if (existsSync(TFJS_MODEL)) await tryOpen('tfjs', TFJS_MODEL, 'cuda');
  }
}

/** Model calls per wall second of a result. */
const rowsPerSecond = (r) => r.modelCalls.total / (r.provenance.wallTimeMs / 1000);

function compare(cpuFile, gpuFiles) {
  const read = (f) => JSON.parse(readFileSync(f, 'utf8'));
  const cpu = read(cpuFile);
  let disagree = 0;
  const fmt = (v) => v.toFixed(4);
  console.log(`cpu (${cpu.provenance.device}): ${Math.round(rowsPerSecond(cpu))} rows/s`);
  for (const file of gpuFiles) {
    const gpu = read(file);
    const device = gpu.provenance.device;
    console.log(
      `${device}: ${Math.round(rowsPerSecond(gpu))} rows/s (${(rowsPerSecond(gpu) / rowsPerSecond(cpu)).toFixed(2)}× the CPU)`,
    );
    const sameSamples =
      JSON.stringify(gpu.samples.map((s) => s.id)) === JSON.stringify(cpu.samples.map((s) => s.id));
    if (!sameSamples)
      console.log(
        `  note: the ${device} run selected other samples than the CPU (a borderline image classified differently)`,
      );
    console.log('  ratio    J(m) cpu   J(m) ' + device.padEnd(6) + ' |diff|   error bar  ');
    // J(m) before normalisation, with the standard errors over samples (and contexts) that the
    // result records; the bar is 2·√(e_cpu² + e_gpu²), the two runs' errors combined.
    for (let k = 0; k < cpu.ratios.length; k++) {
      const a = cpu.aggregate.raw[k];
      const b = gpu.aggregate.raw[k];
      const ea = cpu.aggregate.rawError?.[k] ?? 0;
      const eb = gpu.aggregate.rawError?.[k] ?? 0;
      const bar = 2 * Math.sqrt(ea * ea + eb * eb);
      const diff = Math.abs(a - b);
      // Equal numbers agree whatever the bar (a single sample has no error bar).
      const ok = diff <= bar || diff <= 1e-4 * Math.max(Math.abs(a), Math.abs(b));
      if (!ok) disagree++;
      console.log(
        `  ${String(+cpu.ratios[k].toFixed(3)).padEnd(7)}  ${fmt(a).padStart(9)}  ${fmt(b).padStart(9)}  ${fmt(diff).padStart(7)}  ${fmt(bar).padStart(9)}  ${ok ? 'agrees' : 'DIFFERS'}`,
      );
    }
  }
  if (disagree > 0) {
    console.log(`${disagree} order(s) differ from the CPU beyond the error bars`);
    process.exit(1);
  }
  console.log('every GPU J(m) agrees with the CPU within the error bars');
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'probe') await probe();
else if (cmd === 'compare' && args.length >= 2) compare(args[0], args.slice(1));
else {
  console.error('usage: gpu-check.mjs probe | compare <cpu result.json> <gpu result.json>…');
  process.exit(2);
}
