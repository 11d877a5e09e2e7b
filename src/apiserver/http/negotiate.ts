// Content negotiation: which encoding (JSON or YAML) and which server-side transformation
// (Table, PartialObjectMetadata) a client asked for in its Accept header.
import { NotAcceptableError } from '../../api/errors.js';
import { getKey, setKey } from '../../util/data-keys.js';

export type Encoding = 'json' | 'yaml';
export type Transform = 'none' | 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export interface Negotiated {
  encoding: Encoding;
  transform: Transform;
}

export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map(part => {
    const [type, ...params] = part.split(';').map(s => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) setKey(p, kv.slice(0, i).trim(), kv.slice(i + 1).trim());
    }
    return { type: type.toLowerCase(), params: p };
  }).filter(m => m.type);
}

/**
 * Picks the first acceptable media type. `as=Table` etc. are honoured only for meta.k8s.io v1/v1beta1;
 * protobuf and CBOR are not served, so clients that also accept JSON get JSON.
 */
export function negotiate(header: string | undefined, allowTransforms: Transform[]): Negotiated {
  for (const m of parseAccept(header)) {
    const encoding = encodingOf(m.type);
    if (!encoding) continue;
    const as = getKey(m.params, 'as');
    if (!as) return { encoding, transform: 'none' };
    const metaGroup = getKey(m.params, 'g') === 'meta.k8s.io' && ['v1', 'v1beta1'].includes(getKey(m.params, 'v') ?? '');
    if (metaGroup && (allowTransforms as string[]).includes(as)) return { encoding, transform: as as Transform };
  }
  throw new NotAcceptableError(`only the following media types are accepted: application/json, application/yaml`);
}

function encodingOf(type: string): Encoding | undefined {
  switch (type) {
    case 'application/json': case '*/*': case 'application/*': case 'application/json-patch+json':
      return 'json';
    case 'application/yaml': case 'text/yaml':
      return 'yaml';
    default:
      return undefined;
  }
}
