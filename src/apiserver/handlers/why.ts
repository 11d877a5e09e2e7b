// GET /apis/why.k8ts.io/v1alpha1/<object path>: why one object is as it is, where <object path> is
// the object's own API path (api/v1/namespaces/NS/pods/NAME, apis/apps/v1/namespaces/NS/deployments/NAME),
// the same addressing as the history API. The request is authorised as a `get` of that object.
import type { ServerResponse } from 'node:http';
import { WHY_GROUP, WHY_VERSION } from '../../api/why.js';
import { sendJson } from '../http/respond.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from '../request-info.js';
import { explain } from '../why/explain.js';
import { objectPathTarget } from './history.js';

export const WHY_PREFIX = `/apis/${WHY_GROUP}/${WHY_VERSION}/`;

/** The request for the object `path` asks about, or undefined when it is not a why path. */
export function whyTarget(method: string, path: string, query: URLSearchParams): ResourceRequest | undefined {
  return objectPathTarget(WHY_PREFIX, 'explanations', method, path, query);
}

export async function serveWhy(res: ServerResponse, ri: ResourceRequest, registry: Registry): Promise<void> {
  sendJson(res, 200, await explain(registry, ri));
}
