// Turns the registry's write notifications into history records. A Secret's values never reach
// the history: each value of data and stringData is replaced by "sha256:<hex>" of its bytes, so
// a diff still shows which keys were added, removed or changed, but not to what.
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { defaultFieldManager } from '../patch/index.js';
import type { WriteObserver } from '../registry/generic-store.js';
import type { HistoryStore } from './history-store.js';

export function historyRecorder(history: HistoryStore, now: () => number = Date.now): WriteObserver {
  return ({ info, ctx, operation, subresource, object }) => {
    const meta = object.metadata;
    history.record({
      group: info.group, resource: info.resource, namespace: meta.namespace ?? '', name: meta.name ?? '', uid: meta.uid ?? '',
      subresource, operation, resourceVersion: meta.resourceVersion ?? '',
      user: ctx.user.username, groups: ctx.user.groups, userAgent: ctx.userAgent,
      fieldManager: ctx.fieldManager ?? defaultFieldManager(ctx.userAgent),
      object: info.group === '' && info.resource === 'secrets' ? redactSecret(object) : object,
      time: now(),
    });
  };
}

/** The Secret with every value of data and stringData replaced by its SHA-256. */
export function redactSecret(secret: KubeObject): KubeObject {
  const out: KubeObject = { ...secret };
  for (const field of ['data', 'stringData'] as const) {
    const values = secret[field] as Record<string, string> | undefined;
    if (!values) continue;
    const encoding = field === 'data' ? 'base64' : 'utf8';
    out[field] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, 'sha256:' + createHash('sha256').update(Buffer.from(v, encoding)).digest('hex')]));
  }
  return out;
}
