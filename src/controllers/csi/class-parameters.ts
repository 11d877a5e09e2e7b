// A StorageClass's parameters as external-provisioner reads them: keys under the reserved
// `csi.storage.k8s.io/` prefix are for Kubernetes (the fsType and the secrets of each CSI call,
// with ${...} templates) and never reach the driver; everything else is the driver's.
import type { SecretReference } from '../../api/types/generated.js';

const PREFIX = 'csi.storage.k8s.io/';
/** The CSI calls that can carry secrets, by the parameter name stem and the PV field they land in. */
export const SECRET_KINDS = {
  provisioner: { stem: 'provisioner', pvField: undefined },
  controllerPublish: { stem: 'controller-publish', pvField: 'controllerPublishSecretRef' },
  nodeStage: { stem: 'node-stage', pvField: 'nodeStageSecretRef' },
  nodePublish: { stem: 'node-publish', pvField: 'nodePublishSecretRef' },
  controllerExpand: { stem: 'controller-expand', pvField: 'controllerExpandSecretRef' },
  nodeExpand: { stem: 'node-expand', pvField: 'nodeExpandSecretRef' },
} as const;
export type SecretKind = keyof typeof SECRET_KINDS;

export class ClassParameterError extends Error {}

export interface ClassParameters {
  /** What the driver receives in CreateVolume. */
  driverParameters: Record<string, string>;
  fsType: string;
  /** Secret references still holding ${...} templates. */
  secretTemplates: Partial<Record<SecretKind, { name: string; namespace: string }>>;
}

/** Splits a class's parameters; an unknown key under the reserved prefix is an error, as upstream. */
export function splitClassParameters(params: Record<string, string> | undefined): ClassParameters {
  const driverParameters: Record<string, string> = {};
  const secretTemplates: ClassParameters['secretTemplates'] = {};
  const reserved = new Map<string, string>();
  for (const [k, v] of Object.entries(params ?? {})) {
    if (k.startsWith(PREFIX)) reserved.set(k.slice(PREFIX.length), v);
    else driverParameters[k] = v;
  }
  const known = new Set(['fstype']);
  for (const [kind, { stem }] of Object.entries(SECRET_KINDS) as [SecretKind, { stem: string }][]) {
    const name = reserved.get(`${stem}-secret-name`);
    const namespace = reserved.get(`${stem}-secret-namespace`);
    known.add(`${stem}-secret-name`).add(`${stem}-secret-namespace`);
    if (name === undefined && namespace === undefined) continue;
    if (name === undefined || namespace === undefined) {
      throw new ClassParameterError(`either name and namespace for ${stem} secrets specified, Both must be specified`);
    }
    secretTemplates[kind] = { name, namespace };
  }
  for (const k of reserved.keys()) {
    if (!known.has(k)) throw new ClassParameterError(`found unknown parameter key "${PREFIX}${k}" with reserved namespace ${PREFIX}`);
  }
  return { driverParameters, fsType: reserved.get('fstype') ?? '', secretTemplates };
}

export interface TemplateContext {
  pvName: string;
  claimNamespace: string;
  claimName: string;
  claimAnnotations: Record<string, string>;
}

/**
 * Fills one secret reference's templates. Namespaces may use ${pv.name} and ${pvc.namespace};
 * names also ${pvc.name} and (except the provisioner's own secret, which exists before the claim
 * is trusted) ${pvc.annotations['KEY']}.
 */
export function resolveSecretRef(kind: SecretKind, tpl: { name: string; namespace: string }, ctx: TemplateContext): SecretReference {
  const common: Record<string, string> = { 'pv.name': ctx.pvName, 'pvc.namespace': ctx.claimNamespace };
  const namespace = fill(tpl.namespace, common, undefined, `${SECRET_KINDS[kind].stem} secret namespace`);
  const annotations = kind === 'provisioner' ? undefined : ctx.claimAnnotations;
  const name = fill(tpl.name, { ...common, 'pvc.name': ctx.claimName }, annotations, `${SECRET_KINDS[kind].stem} secret name`);
  if (!name || !namespace) throw new ClassParameterError(`${SECRET_KINDS[kind].stem} secret reference resolved to an empty name or namespace`);
  return { name, namespace };
}

function fill(template: string, values: Record<string, string>, annotations: Record<string, string> | undefined, what: string): string {
  return template.replace(/\$\{([^}]*)\}/g, (_, token: string) => {
    if (token in values) return values[token];
    const ann = /^pvc\.annotations\['([^']*)'\]$/.exec(token);
    if (ann && annotations) {
      if (!(ann[1] in annotations)) throw new ClassParameterError(`${what} template "${template}": the claim has no annotation "${ann[1]}"`);
      return annotations[ann[1]];
    }
    throw new ClassParameterError(`${what} template "${template}" contains the unsupported token \${${token}}`);
  });
}
