// Where this k8ts installation lives: the directory holding package.json, bin/, dist/ and the
// non-code files read at run time (openapi/, the .proto files under src/).
import { fileURLToPath } from 'node:url';

/** Compiled code runs from dist/src/util/, three levels below the root. */
export const INSTALL_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
