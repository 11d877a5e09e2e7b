// The dashboard's views. Routes live in the URL fragment (#/ns/default/deployments/web), so the
// server only ever serves index.html and the bundle.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request, session, type Obj } from './api.js';
import { useWatch } from './use-watch.js';
import { collectionPath, kindOf, NETWORK, WORKLOADS, type Kind } from './resources.js';
import { Failure, Table, age } from './widgets.js';
import { YamlEditor } from './yaml-editor.js';
import { HistoryPanel } from './history.js';
import { WhyPanel } from './why.js';
import { ScaleControl, RestartButton } from './actions.js';
import { PodLogs } from './logs.js';
import { Terminal } from './terminal.js';
import { NodesView } from './nodes.js';
import { LogSearch } from './log-search.js';
import './style.css';

function useRoute(): string[] {
  const parse = () => location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

const SIGNED_IN = 'k8ts-dashboard-signed-in';

function Login({ onDone }: { onDone: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    session.token = token.trim();
    try {
      // Any answer but 401 means the server knows who we are (403 is a user RBAC limits).
      await request('GET', '/api/v1/namespaces?limit=1').catch(err => { if (!(err instanceof ApiError) || err.code === 401 || err.code === 0) throw err; });
      sessionStorage.setItem(SIGNED_IN, '1');
      onDone();
    } catch (err) {
      session.token = '';
      setError(err instanceof ApiError && err.code === 401 ? 'The API server did not accept these credentials (401 Unauthorized).' : String((err as Error).message));
    }
  };
  return (
    <form class="login" onSubmit={submit}>
      <h1>k8ts dashboard</h1>
      <p>Sign in with a bearer token (a service-account token, a bootstrap token or a static token). Leave it empty to use the client certificate your browser presents.</p>
      <textarea name="token" rows={4} placeholder="bearer token" value={token} onInput={e => setToken((e.target as HTMLTextAreaElement).value)} />
      <button type="submit">Sign in</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

function WhoAmI() {
  const [user, setUser] = useState('');
  useEffect(() => {
    request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }))
      .then(r => setUser(r.status?.userInfo?.username ?? ''), () => setUser(''));
  }, []);
  return user ? <span class="user">{user}</span> : null;
}

function Namespaces() {
  const { items, error, loaded } = useWatch('/api/v1/namespaces');
  if (error) return <Failure error={error} what="namespaces" />;
  return (
    <section>
      <h2>Namespaces</h2>
      {!loaded ? <p>Loading…</p> : (
        <Table head={['Name', 'Status', 'Age']} rows={items.map(n => [<a href={`#/ns/${n.metadata.name}`}>{n.metadata.name}</a>, n.status?.phase, age(n)])} />
      )}
      <p class="hint">Open a namespace you cannot list by name: <NamespaceJump /></p>
    </section>
  );
}

function NamespaceJump() {
  const [ns, setNs] = useState('');
  return (
    <form class="inline" onSubmit={e => { e.preventDefault(); if (ns) location.hash = `#/ns/${ns}`; }}>
      <input name="namespace" placeholder="namespace" value={ns} onInput={e => setNs((e.target as HTMLInputElement).value)} />
      <button type="submit">Open</button>
    </form>
  );
}

function workloadState(k: Kind, o: Obj): string {
  const s = o.status ?? {};
  switch (k.kind) {
    case 'Deployment': return `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 0} ready, ${s.updatedReplicas ?? 0} up-to-date`;
    case 'StatefulSet': return `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 0} ready`;
    case 'DaemonSet': return `${s.numberReady ?? 0}/${s.desiredNumberScheduled ?? 0} ready`;
    case 'Job': return `${s.succeeded ?? 0}/${o.spec?.completions ?? 1} succeeded${s.failed ? `, ${s.failed} failed` : ''}`;
    default: return '';
  }
}

function podState(p: Obj): string {
  const waiting = (p.status?.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason ?? c.state?.terminated?.reason).find(Boolean);
  return waiting ?? p.status?.phase ?? '';
}

function podRows(pods: Obj[], ns: string) {
  return pods.map(p => [
    <a href={`#/ns/${ns}/pods/${p.metadata.name}`}>{p.metadata.name}</a>,
    `${(p.status?.containerStatuses ?? []).filter((c: any) => c.ready).length}/${p.spec?.containers?.length ?? 0}`,
    podState(p),
    (p.status?.containerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0),
    p.spec?.nodeName ?? '',
    age(p),
  ]);
}

function KindSection({ k, ns }: { k: Kind; ns: string }) {
  const { items, error, loaded } = useWatch(collectionPath(k, ns));
  let body;
  if (error) body = <Failure error={error} what={`${k.plural} in ${ns}`} />;
  else if (!loaded) body = <p>Loading…</p>;
  else if (!items.length) body = <p class="empty">No {k.plural}.</p>;
  else if (k.kind === 'Pod') body = <Table head={['Name', 'Ready', 'Status', 'Restarts', 'Node', 'Age']} rows={podRows(items, ns)} />;
  else if (k.kind === 'Event') body = <Table head={['Type', 'Reason', 'Object', 'Message', 'Age']} rows={items.slice(-50).map(e => [e.type, e.reason, `${e.involvedObject?.kind}/${e.involvedObject?.name}`, e.message, age(e)])} />;
  else body = <Table head={['Name', 'State', 'Age']} rows={items.map(o => [<a href={`#/ns/${ns}/${k.plural}/${o.metadata.name}`}>{o.metadata.name}</a>, summary(k, o), age(o)])} />;
  return <section class={`kind-${k.plural}`}><h3>{k.kind}s</h3>{body}</section>;
}

function summary(k: Kind, o: Obj): string {
  if (WORKLOADS.includes(k)) return workloadState(k, o);
  if (k.kind === 'Service') return `${o.spec?.type} ${o.spec?.clusterIP ?? ''} ${(o.spec?.ports ?? []).map((p: any) => `${p.port}/${p.protocol}`).join(',')}`;
  if (k.kind === 'Ingress') return (o.spec?.rules ?? []).map((r: any) => r.host ?? '*').join(', ');
  if (k.kind === 'EndpointSlice') return (o.endpoints ?? []).flatMap((e: any) => e.addresses).join(', ');
  return '';
}

function NamespaceView({ ns }: { ns: string }) {
  return (
    <div>
      <h2>Namespace {ns}</h2>
      {WORKLOADS.map(k => <KindSection key={k.plural} k={k} ns={ns} />)}
      <KindSection k={kindOf('pods')!} ns={ns} />
      {NETWORK.map(k => <KindSection key={k.plural} k={k} ns={ns} />)}
      <KindSection k={kindOf('events')!} ns={ns} />
    </div>
  );
}

function selectorQuery(o: Obj): string | undefined {
  const labels = o.spec?.selector?.matchLabels;
  if (!labels) return undefined;
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function ObjectView({ ns, k, name }: { ns: string; k: Kind; name: string }) {
  const { items, error, loaded } = useWatch(`${collectionPath(k, ns)}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`);
  const obj = items[0];
  const selector = obj && k.kind !== 'Pod' ? selectorQuery(obj) : undefined;
  const pods = useWatch(selector ? `${collectionPath(kindOf('pods')!, ns)}?labelSelector=${encodeURIComponent(selector)}` : undefined);
  if (error) return <Failure error={error} what={`${k.kind} ${ns}/${name}`} />;
  if (!loaded) return <p>Loading…</p>;
  if (!obj) return <p class="empty">{k.kind} {ns}/{name} does not exist.</p>;
  return (
    <div>
      <h2>{k.kind} {ns}/{name}</h2>
      {WORKLOADS.includes(k) && <p class="rollout" data-testid="rollout">{workloadState(k, obj)}</p>}
      <WhyPanel k={k} obj={obj} />
      {(obj.status?.conditions ?? []).length > 0 && (
        <Table head={['Condition', 'Status', 'Reason', 'Message']} rows={obj.status.conditions.map((c: any) => [c.type, c.status, c.reason ?? '', c.message ?? ''])} />
      )}
      <div class="actions">
        {k.scalable && <ScaleControl k={k} obj={obj} />}
        {k.restartable && <RestartButton k={k} obj={obj} />}
      </div>
      {selector && <section><h3>Pods</h3>{pods.error ? <Failure error={pods.error} what="pods" /> : <Table head={['Name', 'Ready', 'Status', 'Restarts', 'Node', 'Age']} rows={podRows(pods.items, ns)} />}</section>}
      {k.kind === 'Pod' && <PodPanels pod={obj} />}
      <YamlEditor k={k} obj={obj} />
      <HistoryPanel k={k} obj={obj} />
    </div>
  );
}

function PodPanels({ pod }: { pod: Obj }) {
  const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name);
  const [container, setContainer] = useState(containers[0]);
  return (
    <div>
      {containers.length > 1 && (
        <label>Container <select value={container} onChange={e => setContainer((e.target as HTMLSelectElement).value)}>{containers.map(c => <option>{c}</option>)}</select></label>
      )}
      <PodLogs key={`logs-${container}`} pod={pod} container={container} />
      <Terminal key={`exec-${container}`} pod={pod} container={container} />
    </div>
  );
}

function App() {
  const [signedIn, setSignedIn] = useState(sessionStorage.getItem(SIGNED_IN) === '1');
  const route = useRoute();
  if (!signedIn) return <Login onDone={() => setSignedIn(true)} />;
  const signOut = () => { session.token = ''; sessionStorage.removeItem(SIGNED_IN); setSignedIn(false); };
  let view;
  if (route[0] === 'nodes') view = <NodesView />;
  else if (route[0] === 'logs') view = <LogSearch />;
  else if (route[0] === 'ns' && route[1] && route[2] && route[3] && kindOf(route[2])) view = <ObjectView key={route.join('/')} ns={route[1]} k={kindOf(route[2])!} name={route[3]} />;
  else if (route[0] === 'ns' && route[1]) view = <NamespaceView key={route[1]} ns={route[1]} />;
  else view = <Namespaces />;
  return (
    <div>
      <header>
        <strong>k8ts</strong>
        <nav><a href="#/">Namespaces</a> <a href="#/nodes">Nodes</a> <a href="#/logs">Logs</a></nav>
        <WhoAmI />
        <button class="signout" onClick={signOut}>Sign out</button>
      </header>
      <main>{view}</main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
