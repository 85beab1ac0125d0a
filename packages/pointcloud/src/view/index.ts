export * from './scene.js';
export * from './render-png.js';
export * from './html-view.js';
export * from './cloud-figure.js';
export * from './cloud-scene-script.js';
