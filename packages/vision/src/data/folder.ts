import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { OrderlensInputError, requireInput } from '@orderlens/core';
import { readImage, type ReadImageOptions } from '../image/decode.js';
import type { ImageDataset } from './dataset.js';

/** File extensions read as images. */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.bmp',
  '.avif',
]);

/** Options of {@link readImageFolder}. */
export interface ImageFolderOptions extends ReadImageOptions {
  /**
   * Class names in label order. Default: the subfolder names sorted by code point (as
   * torchvision's `ImageFolder`). Subfolders not listed are an error.
   */
  readonly classNames?: readonly string[];
  /** Keep at most this many images per class (the first ones in sorted file order). */
  readonly perClass?: number;
}

/**
 * A folder with one subfolder per class (`root/<class>/<image>`), read into an
 * {@link ImageDataset}. All images must decode to the same size, so give `resize` (or
 * `resizeShorter` + `centerCrop`) when sizes differ. Errors name the offending file.
 */
export async function readImageFolder(root: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  requireInput(existsSync(root) && statSync(root).isDirectory(), 'images', `${root} is not a directory`);
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  requireInput(
    dirs.length > 0,
    'images',
    `${root} has no class subfolders (expected root/<class>/<image files>)`,
  );
  const classNames = options.classNames ? [...options.classNames] : dirs;
  for (const d of dirs) {
    requireInput(
      classNames.includes(d),
      'classNames',
      `subfolder "${d}" of ${root} is not among the given classes ${classNames.join(', ')}`,
    );
  }
  const files: Array<{ path: string; label: number }> = [];
  for (const d of dirs) {
    let names = readdirSync(join(root, d))
      .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
      .sort();
    if (options.perClass !== undefined) names = names.slice(0, options.perClass);
    for (const f of names) files.push({ path: join(root, d, f), label: classNames.indexOf(d) });
  }
  requireInput(files.length > 0, 'images', `no image files (${IMAGE_EXTENSIONS.join(' ')}) under ${root}`);
  const decoded = [];
  for (const f of files) decoded.push(await readImage(f.path, options));
  const first = decoded[0];
  decoded.forEach((img, k) => {
    if (img.height !== first.height || img.width !== first.width) {
      throw new OrderlensInputError(
        'images',
        `${files[k].path} is ${img.width}×${img.height} but ${files[0].path} is ${first.width}×${first.height}; pass a resize so all images share one size`,
      );
    }
  });
  const size = first.height * first.width * first.channels;
  const images = new Uint8Array(size * decoded.length);
  decoded.forEach((img, k) => images.set(img.data, k * size));
  return {
    images,
    labels: Int32Array.from(files, (f) => f.label),
    count: files.length,
    height: first.height,
    width: first.width,
    channels: first.channels,
    classNames,
    sources: files.map((f) => f.path),
  };
}
