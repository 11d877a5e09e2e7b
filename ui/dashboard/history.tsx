// The object's write history (who, when, how) from the history API (history.k8ts.io), when this
// server has it: the panel stays hidden when the API answers 404. It is asked again whenever the
// watched object changes (each change is a new revision), never on a timer.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request, type Obj } from './api.js';
import { objectPath, type Kind } from './resources.js';
import { Failure, Table } from './widgets.js';

interface Revision { revision: number; time: string; operation: string; subresource: string; user: string; fieldManager: string; userAgent: string }

export function HistoryPanel({ k, obj }: { k: Kind; obj: Obj }) {
  const [revisions, setRevisions] = useState<Revision[]>();
  const [error, setError] = useState<ApiError>();
  const path = `/apis/history.k8ts.io/v1${objectPath(k, obj.metadata.name, obj.metadata.namespace)}`;
  useEffect(() => {
    request('GET', path).then(r => { setRevisions(r.revisions); setError(undefined); }, err => {
      setRevisions(undefined);
      setError(err instanceof ApiError && err.code !== 404 ? err : undefined);
    });
  }, [path, obj.metadata.resourceVersion]);
  if (error) return <section class="history"><h3>History</h3><Failure error={error} what="this object's history" /></section>;
  if (!revisions) return null;
  return (
    <section class="history">
      <h3>History</h3>
      <Table head={['Revision', 'Time', 'Operation', 'User', 'Field manager']} rows={[...revisions].reverse().map(r => [
        r.revision, r.time, r.subresource ? `${r.operation} ${r.subresource}` : r.operation, r.user, r.fieldManager || r.userAgent,
      ])} />
    </section>
  );
}
