// CertificateSigningRequests (upstream pkg/registry/certificates/certificates): the requesting
// user is recorded in the spec at create; the spec never changes after; `/approval` writes only the
// conditions and `/status` everything but the Approved and Denied conditions (approval and issuance
// are separate concerns, and separate permissions); selectable by signer.
import { InvalidError, fieldErrors } from '../../../api/errors.js';
import { nowTimestamp, type KubeObject } from '../../../api/object.js';
import { certificateSigningRequestRules } from '../../../api/validation/certificates.js';
import { InvalidRequestError, parseCertificateRequest } from '../../../pki/csr.js';
import { clone } from '../../patch/json.js';
import type { ResourceStrategy } from '../strategy.js';

type Condition = { type?: string; status?: string; lastUpdateTime?: string; lastTransitionTime?: string };
type Csr = KubeObject & { spec?: Record<string, unknown>; status?: { conditions?: Condition[]; certificate?: string } };

export const certificateSigningRequestStrategy: ResourceStrategy = {
  rules: certificateSigningRequestRules,
  fieldSelectors: { 'spec.signerName': o => o.spec?.signerName },
  async prepareForCreate(obj, ctx) {
    const csr = obj as Csr;
    delete csr.status;
    const spec = (csr.spec ??= {});
    // Who asked is what the approver and the signer judge: never taken from the client.
    spec.username = ctx.user.username;
    if (ctx.user.uid) spec.uid = ctx.user.uid; else delete spec.uid;
    spec.groups = [...ctx.user.groups];
    if (ctx.user.extra && Object.keys(ctx.user.extra).length) spec.extra = clone(ctx.user.extra); else delete spec.extra;
    await checkRequest(csr);
  },
  prepareForUpdate(obj, old) {
    (obj as Csr).spec = clone((old as Csr).spec);
    if (old.status === undefined) delete obj.status; else obj.status = clone(old.status);
  },
  subresourceUpdates: {
    approval(obj, old) {
      const conditions = (obj as Csr).status?.conditions;
      replaceWith(obj, old);
      const csr = obj as Csr;
      csr.status ??= {};
      if (conditions === undefined) delete csr.status.conditions; else csr.status.conditions = stampConditions(conditions, (old as Csr).status?.conditions);
    },
    status(obj, old) {
      const status = clone((obj as Csr).status ?? {});
      const oldConditions = (old as Csr).status?.conditions ?? [];
      replaceWith(obj, old);
      const approvals = oldConditions.filter(c => c.type === 'Approved' || c.type === 'Denied');
      const others = (status.conditions ?? []).filter(c => c.type !== 'Approved' && c.type !== 'Denied');
      const conditions = [...approvals, ...stampConditions(others, oldConditions)];
      (obj as Csr).status = { ...status, ...(conditions.length ? { conditions } : {}) };
      if (!conditions.length) delete (obj as Csr).status!.conditions;
    },
  },
};

function replaceWith(obj: KubeObject, old: KubeObject): void {
  for (const k of Object.keys(obj)) delete (obj as Record<string, unknown>)[k];
  Object.assign(obj, clone(old));
}

/** upstream's populateConditionTimestamps: missing times are now, or the old transition time while the status holds. */
function stampConditions(conditions: Condition[], old: Condition[] | undefined): Condition[] {
  const now = nowTimestamp();
  return conditions.map(c => {
    const out = { ...c };
    out.lastUpdateTime ||= now;
    if (!out.lastTransitionTime) {
      const prev = old?.find(o => o.type === c.type);
      out.lastTransitionTime = prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now;
    }
    return out;
  });
}

/** spec.request must be one PEM CERTIFICATE REQUEST whose signature checks out (upstream's validateCSR). */
async function checkRequest(csr: Csr): Promise<void> {
  const b64 = csr.spec?.request;
  if (typeof b64 !== 'string' || !b64) return; // required: reported by validation
  const pem = Buffer.from(b64, 'base64').toString('latin1');
  let detail: string | undefined;
  if (!/^\s*-----BEGIN CERTIFICATE REQUEST-----/.test(pem)) detail = 'PEM block type must be CERTIFICATE REQUEST';
  else {
    try {
      const parsed = await parseCertificateRequest(pem);
      if (!parsed.signatureValid) detail = 'x509: ECDSA verification failure';
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      detail = err.message;
    }
  }
  if (detail) throw new InvalidError('CertificateSigningRequest', csr.metadata.name ?? '', 'certificates.k8s.io', [fieldErrors.invalid('spec.request', '[]byte{...}', detail)]);
}
