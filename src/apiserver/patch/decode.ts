// The first step of decoding a JSON Patch or a strategic merge patch, as upstream's: a body nested
// too deep or that is no JSON is a 400 whose message is the parser's. What shape the document must
// have is each flavour's own check.
import { jsonDepthError } from '../http/nesting.js';
import { badPatch } from './errors.js';

export function parsePatchJson(body: string): unknown {
  const tooDeep = jsonDepthError(body);
  if (tooDeep) throw badPatch(tooDeep);
  try {
    return JSON.parse(body);
  } catch (err) {
    throw badPatch((err as Error).message);
  }
}
