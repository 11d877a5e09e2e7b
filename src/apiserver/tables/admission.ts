// admissionregistration.k8s.io/v1 webhook configurations, ValidatingAdmissionPolicies and their
// bindings.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import { labelSelectorGoString } from './format.js';
import type { Obj, Printer } from './types.js';

const name = (o: Obj): string => o.metadata?.name ?? '';
const age = (o: Obj, now: Date): string => since(o.metadata?.creationTimestamp, now);

const webhookPrinter: Printer = {
  columns: [nameCol(), col('Webhooks', 'Webhooks indicates the number of webhooks registered in this configuration', { type: 'integer' }), ageCol()],
  cells: (o, now) => [name(o), (o.webhooks ?? []).length, age(o, now)],
};
export const mutatingWebhookConfigurationPrinter = webhookPrinter;
export const validatingWebhookConfigurationPrinter = webhookPrinter;

export const validatingAdmissionPolicyPrinter: Printer = {
  columns: [
    nameCol(),
    col('Validations', 'Validations indicates the number of validation rules defined in this configuration', { type: 'integer' }),
    col('ParamKind', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    ageCol(),
  ],
  cells(o, now) {
    const pk = o.spec?.paramKind;
    return [name(o), (o.spec?.validations ?? []).length, pk ? `${pk.apiVersion ?? ''}/${pk.kind ?? ''}` : '<unset>', age(o, now)];
  },
};

/** "ns/name"; a "*" namespace when the binding leaves it to the request; the selector for selected params. */
function paramRef(ref: Obj | undefined): string {
  if (!ref) return '<unset>';
  if (ref.name) return ref.namespace ? `${ref.namespace}/${ref.name}` : `*/${ref.name}`;
  return ref.selector ? labelSelectorGoString(ref.selector) : '<unset>';
}

export const validatingAdmissionPolicyBindingPrinter: Printer = {
  columns: [
    nameCol(),
    col('PolicyName', 'PolicyName indicates the policy definition which the policy binding binded to'),
    col('ParamRef', 'ParamRef indicates the param resource which sets the configration param'),
    ageCol(),
  ],
  cells: (o, now) => [name(o), o.spec?.policyName ?? '', paramRef(o.spec?.paramRef), age(o, now)],
};
