// YAML view and edit. Saving is a server-side apply as field manager k8ts-dashboard: the fields in
// the text become ours, and a field another manager owns is a 409 listing each field and its
// manager, which the user may then force.
import { useEffect, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { ApiError, request, type Obj, type StatusCause } from './api.js';
import { objectPath, type Kind } from './resources.js';

export const FIELD_MANAGER = 'k8ts-dashboard';

/**
 * The object as the user edits it: without status and the metadata the server owns (applying
 * them would claim fields no user sets, and an old resourceVersion would fail every save).
 */
function editable(obj: Obj): string {
  const { managedFields: _m, resourceVersion: _rv, uid: _u, creationTimestamp: _c, generation: _g, ...metadata } = obj.metadata as Obj['metadata'] & { generation?: number };
  const { status: _s, ...rest } = obj;
  return stringify({ ...rest, metadata });
}

export function YamlEditor({ k, obj }: { k: Kind; obj: Obj }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(() => editable(obj));
  const [conflicts, setConflicts] = useState<StatusCause[]>([]);
  const [message, setMessage] = useState('');
  // While not editing, the view follows the live object.
  useEffect(() => { if (!editing) setText(editable(obj)); }, [obj, editing]);
  const save = async (force: boolean) => {
    setMessage('');
    setConflicts([]);
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    if (force) q.set('force', 'true');
    try {
      await request('PATCH', `${objectPath(k, obj.metadata.name, obj.metadata.namespace)}?${q}`, text, 'application/apply-patch+yaml');
      setEditing(false);
      setMessage('Applied.');
    } catch (err) {
      if (!(err instanceof ApiError)) return setMessage(String(err));
      if (err.code === 409 && err.reason === 'Conflict') setConflicts(err.causes);
      setMessage(`${err.code} ${err.reason}: ${err.message}`);
    }
  };
  return (
    <section class="yaml">
      <h3>YAML</h3>
      <textarea name="yaml" spellcheck={false} readOnly={!editing} rows={24} value={text} onInput={e => setText((e.target as HTMLTextAreaElement).value)} />
      <div class="actions">
        {!editing && <button onClick={() => setEditing(true)}>Edit</button>}
        {editing && <button onClick={() => save(false)}>Apply</button>}
        {editing && <button onClick={() => { setEditing(false); setConflicts([]); setMessage(''); }}>Cancel</button>}
      </div>
      {message && <p class={conflicts.length || message.startsWith('4') || message.startsWith('5') ? 'error' : 'ok'} role="status">{message}</p>}
      {conflicts.length > 0 && (
        <div class="conflicts">
          <p>These fields are managed by someone else:</p>
          <ul>{conflicts.map(c => <li><code>{c.field}</code>: {c.message}</li>)}</ul>
          <button onClick={() => save(true)}>Force apply (take over these fields)</button>
        </div>
      )}
    </section>
  );
}
