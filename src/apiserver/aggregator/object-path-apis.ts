// The k8ts APIs that answer about one object at its own API path — why.k8ts.io/v1alpha1 (why the
// object is as it is) and history.k8ts.io/v1 (its recorded revisions) — as the aggregator lists
// them: each behind a local APIService, as upstream lists every API group served beside the
// built-in ones, so /apis, aggregated discovery and `kubectl api-resources` show them. The server
// answers their object paths itself (handlers/why.ts, handlers/history.ts) before any request
// reaches the aggregator; only the group-version's own discovery document is answered here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HISTORY_GROUP, HISTORY_VERSION } from '../../api/history.js';
import { WHY_GROUP, WHY_VERSION } from '../../api/why.js';
import { resourceNotFound } from '../handlers/non-resource.js';
import { sendJson } from '../http/respond.js';
import type { InProcessAPI } from './aggregator.js';

/** Listed after every built-in group, as an extension server's APIService usually is. */
const PRIORITY = { group: 100, version: 100 };

/** A group-version whose one resource is read with `get` at `/apis/<group>/<version>/<object path>`. */
function objectPathAPI(group: string, version: string, resource: { name: string; singularName: string; kind: string }): InProcessAPI {
  const groupVersion = `${group}/${version}`;
  const resources = () => [{ ...resource, namespaced: false, verbs: ['get'] }];
  return {
    group, version, priority: PRIORITY, resources,
    serve(_req: IncomingMessage, res: ServerResponse, url: URL): void {
      if (url.pathname.replace(/\/$/, '') !== `/apis/${groupVersion}`) throw resourceNotFound();
      sendJson(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: resources() });
    },
  };
}

export const WHY_API = objectPathAPI(WHY_GROUP, WHY_VERSION, { name: 'explanations', singularName: 'explanation', kind: 'Explanation' });

export const HISTORY_API = objectPathAPI(HISTORY_GROUP, HISTORY_VERSION, { name: 'objecthistories', singularName: 'objecthistory', kind: 'ObjectHistory' });
