// The document of the why API (why.k8ts.io/v1alpha1): one answer to "why is this object as it
// is?". The API server builds it; `k8ts why` and the dashboard render it. It is a k8ts API of its
// own, not a Kubernetes one, so it is declared here rather than generated from OpenAPI.

export const WHY_GROUP = 'why.k8ts.io';
export const WHY_VERSION = 'v1alpha1';

/** How much a finding matters: `error` blocks the object, `warning` may, `info` explains, `ok` is fine. */
export type Severity = 'ok' | 'info' | 'warning' | 'error';

/** One fact about the object: who or what it is about, what is wrong or right, and the detail. */
export interface Finding {
  severity: Severity;
  /** What the finding is about, kubectl-style: node/w-1, container/app, pod/web-1, condition/Available. */
  subject?: string;
  /** The reason, in the words of the component that decided it (upstream's where there is one). */
  text: string;
  /** The longer message, when there is one. */
  detail?: string;
}

/** A titled group of findings: Scheduling, Containers, Conditions, Events, ReplicaSets, Endpoints, Owners... */
export interface ExplanationSection {
  title: string;
  findings: Finding[];
}

export interface Explanation {
  apiVersion: `${typeof WHY_GROUP}/${typeof WHY_VERSION}`;
  kind: 'Explanation';
  target: { apiVersion: string; kind: string; namespace?: string; name: string; uid?: string };
  /** The verdict in one line, e.g. "Pending: no node fits (0/3 nodes are available: ...)". */
  summary: string;
  /** The most severe finding's severity: `ok` when nothing holds the object back. */
  severity: Severity;
  sections: ExplanationSection[];
}

const RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, error: 3 };

/** The most severe of the sections' findings (`ok` for none). */
export function worstSeverity(sections: ExplanationSection[]): Severity {
  let worst: Severity = 'ok';
  for (const s of sections) for (const f of s.findings) if (RANK[f.severity] > RANK[worst]) worst = f.severity;
  return worst;
}
