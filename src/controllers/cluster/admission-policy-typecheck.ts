// What upstream's ValidatingAdmissionPolicy status controller reports in status.typeChecking: each
// validation's expression and messageExpression checked against the schema of every kind its
// matchConstraints name explicitly (wildcards and subresources are not checked, at most ten
// kinds), with `params` typed by the paramKind. Pure: policy in, expression warnings out.
import { ResourceCatalog } from '../../api/catalog.js';
import { undefinedFields } from '../../api/cel/type-check.js';
import { OpenApiSpec, type GroupVersionKind } from '../../api/schema.js';

/** upstream's maxTypesToCheck */
const MAX_TYPES = 10;

interface Rule { apiGroups?: string[]; apiVersions?: string[]; resources?: string[] }
export interface PolicyForTypeCheck {
  spec?: {
    paramKind?: { apiVersion?: string; kind?: string };
    matchConstraints?: { resourceRules?: Rule[] };
    validations?: { expression?: string; messageExpression?: string }[];
  };
}

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

const gvkText = (g: GroupVersionKind) => `${g.group}/${g.version}, Kind=${g.kind}`;
const explicit = (xs: string[] | undefined) => (!xs?.length || xs.includes('*') ? [] : [...xs].sort());

/** The kinds to check, sorted by group, version and kind, as upstream's typesToCheck. */
export function typesToCheck(policy: PolicyForTypeCheck, catalog = ResourceCatalog.shared()): GroupVersionKind[] {
  const found = new Map<string, GroupVersionKind>();
  collect: for (const rule of policy.spec?.matchConstraints?.resourceRules ?? []) {
    const resources = explicit(rule.resources).filter(r => !r.includes('/'));
    for (const group of explicit(rule.apiGroups)) {
      for (const version of explicit(rule.apiVersions)) {
        for (const resource of resources) {
          const info = catalog.find(group, version, resource);
          if (!info) continue;
          found.set(`${group}/${version}/${info.kind}`, { group, version, kind: info.kind });
          if (found.size === MAX_TYPES) break collect;
        }
      }
    }
  }
  return [...found.values()].sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version) || a.kind.localeCompare(b.kind));
}

function paramGvk(policy: PolicyForTypeCheck): GroupVersionKind | undefined {
  const pk = policy.spec?.paramKind;
  if (!pk?.apiVersion || !pk.kind) return undefined;
  const [group, version] = pk.apiVersion.includes('/') ? pk.apiVersion.split('/') as [string, string] : ['', pk.apiVersion];
  return { group, version, kind: pk.kind };
}

export function typeCheckPolicy(policy: PolicyForTypeCheck, spec = OpenApiSpec.shared(), catalog = ResourceCatalog.shared()): ExpressionWarning[] {
  const kinds = typesToCheck(policy, catalog);
  if (!kinds.length) return [];
  const pg = paramGvk(policy);
  const params = pg ? spec.schemaFor(pg) : undefined;
  const check = (expression: string): string => kinds
    .map(gvk => {
      const schema = spec.schemaFor(gvk);
      const issues = schema ? undefinedFields(expression, { object: schema, oldObject: schema, params }, spec) : '';
      return issues ? `${gvkText(gvk)}: ${issues}\n` : '';
    })
    .filter(Boolean)
    .join('\n');
  const warnings: ExpressionWarning[] = [];
  (policy.spec?.validations ?? []).forEach((v, i) => {
    const w = check(v.expression ?? '');
    if (w) warnings.push({ fieldRef: `spec.validations[${i}].expression`, warning: w });
    if (!v.messageExpression) return;
    const m = check(v.messageExpression);
    if (m) warnings.push({ fieldRef: `spec.validations[${i}].messageExpression`, warning: m });
  });
  return warnings;
}
