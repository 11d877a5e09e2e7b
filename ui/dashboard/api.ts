// Every call the dashboard makes goes to the API server with the user's own credentials (a bearer
// token, or the browser's client certificate when no token is given), so RBAC decides what it sees.
// Lists are kept live by watches (a list, then a watch from its resourceVersion): never by polling.

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid: string }[];
  managedFields?: unknown[];
}
// The dashboard reads objects of many kinds loosely; the fields a view shows are read where shown.
export interface Obj { apiVersion?: string; kind?: string; metadata: Meta; spec?: any; status?: any; [k: string]: any }

export interface StatusCause { field?: string; message?: string; reason?: string }
/** A failed API call: the Status the server answered (or a network failure as code 0). */
export class ApiError extends Error {
  constructor(readonly code: number, message: string, readonly reason = '', readonly causes: StatusCause[] = []) {
    super(message);
  }
}

const TOKEN_KEY = 'k8ts-dashboard-token';
export const session = {
  get token(): string { return sessionStorage.getItem(TOKEN_KEY) ?? ''; },
  set token(t: string) { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); },
};

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json', ...extra };
  if (session.token) h.Authorization = `Bearer ${session.token}`;
  return h;
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const s = JSON.parse(text);
    return new ApiError(res.status, s.message ?? text, s.reason ?? '', s.details?.causes ?? []);
  } catch {
    return new ApiError(res.status, text || res.statusText);
  }
}

export async function request<T = any>(method: string, path: string, body?: string, contentType = 'application/json'): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { method, headers: headers(body === undefined ? {} : { 'Content-Type': contentType }), body, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, `cannot reach the API server: ${String(err)}`);
  }
  if (!res.ok) throw await failure(res);
  return res.json();
}

/** Reads a streamed response line by line until it ends or `signal` aborts it. */
export async function streamLines(path: string, signal: AbortSignal, onLine: (line: string) => void): Promise<void> {
  const res = await fetch(path, { headers: headers(), signal, credentials: 'same-origin' });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += value;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  if (pending) onLine(pending);
}

export interface WatchState { items: Obj[]; error?: ApiError; loaded: boolean }

/**
 * Lists `path` and then watches it, calling `onChange` with the current items after the list and
 * after every event. A watch that ends (timeout, 410 Gone) lists again. Returns the stop function.
 */
export function watchList(path: string, onChange: (s: WatchState) => void): () => void {
  const ctl = new AbortController();
  const items = new Map<string, Obj>();
  const key = (o: Obj) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const emit = () => onChange({ items: [...items.values()].sort((a, b) => key(a).localeCompare(key(b))), loaded: true });
  const sep = path.includes('?') ? '&' : '?';
  (async () => {
    while (!ctl.signal.aborted) {
      let rv: string;
      try {
        const list = await request('GET', path);
        items.clear();
        for (const o of list.items as Obj[]) items.set(key(o), o);
        rv = list.metadata.resourceVersion;
        emit();
      } catch (err) {
        if (ctl.signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError(0, String(err));
        onChange({ items: [], error: e, loaded: true });
        // Forbidden and not-found do not change by retrying soon; other failures are retried.
        if (e.code === 403 || e.code === 404 || e.code === 401) return;
        await new Promise(r => setTimeout(r, 2000));
        continue;
      }
      try {
        await streamLines(`${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`, ctl.signal, line => {
          if (!line.trim()) return;
          const ev = JSON.parse(line) as { type: string; object: Obj };
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') items.set(key(ev.object), ev.object);
          else if (ev.type === 'DELETED') items.delete(key(ev.object));
          else if (ev.type === 'ERROR') throw new ApiError(ev.object.code ?? 500, ev.object.message ?? 'watch error');
          else return;
          emit();
        });
      } catch (err) {
        if (ctl.signal.aborted) return;
      }
    }
  })();
  return () => ctl.abort();
}

/** The exec WebSocket: the token goes as a subprotocol (browsers cannot set headers on a WebSocket). */
export function execSocket(ns: string, pod: string, container: string, command: string[]): WebSocket {
  const q = new URLSearchParams({ container, stdin: 'true', stdout: 'true', stderr: 'true', tty: 'true' });
  for (const c of command) q.append('command', c);
  const protocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
  if (session.token) protocols.push(`base64url.bearer.authorization.k8s.io.${base64url(session.token)}`);
  const ws = new WebSocket(`wss://${location.host}/api/v1/namespaces/${ns}/pods/${pod}/exec?${q}`, protocols);
  ws.binaryType = 'arraybuffer';
  return ws;
}

function base64url(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
