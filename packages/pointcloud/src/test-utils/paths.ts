import { fileURLToPath } from 'node:url';

/** Reader fixtures written by `test-fixtures/make_fixtures.py`. */
export const FIXTURES = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));
/** The bundled ModelNet10 PCD files. */
export const PCD_DIR = fileURLToPath(new URL('../../data/modelnet10/pcd/', import.meta.url));
/** Test artefacts kept after a run (screenshots). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
/** Repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
