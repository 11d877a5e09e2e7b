// Small shared pieces of the views.
import type { ComponentChildren } from 'preact';
import type { ApiError, Obj } from './api.js';

export function Table({ head, rows }: { head: string[]; rows: ComponentChildren[][] }) {
  return (
    <table>
      <thead><tr>{head.map(h => <th>{h}</th>)}</tr></thead>
      <tbody>{rows.map(r => <tr>{r.map(c => <td>{c}</td>)}</tr>)}</tbody>
    </table>
  );
}

/** What RBAC refused: said plainly, with the server's own message. */
export function Forbidden({ what, message }: { what: string; message: string }) {
  return (
    <div class="forbidden" role="alert" data-testid="forbidden">
      <strong>403 Forbidden</strong>: you may not see {what}.
      <p class="detail">{message}</p>
    </div>
  );
}

export function Failure({ error, what }: { error: ApiError; what: string }) {
  if (error.code === 403) return <Forbidden what={what} message={error.message} />;
  return <div class="error" role="alert">{error.code ? `${error.code} ${error.reason}: ` : ''}{error.message}</div>;
}

/** Age as kubectl prints it (the largest one or two units). */
export function age(o: Obj): string {
  const t = o.metadata.creationTimestamp ?? o.lastTimestamp ?? o.eventTime;
  if (!t) return '';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(t)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  return `${Math.floor(h / 24)}d`;
}
