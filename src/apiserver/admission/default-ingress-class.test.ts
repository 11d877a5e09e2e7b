import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import type { KubeObject } from '../../api/object.js';
import { systemContext } from '../context.js';
import { defaultIngressClassFrom } from './default-ingress-class.js';
import type { AdmissionOperation } from './types.js';

const cls = (name: string, created: string, isDefault?: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
  metadata: { name, creationTimestamp: created, ...(isDefault === undefined ? {} : { annotations: { 'ingressclass.kubernetes.io/is-default-class': isDefault } }) },
  spec: { controller: `example.com/${name}` },
});

function admit(classes: KubeObject[], ingress: { spec?: Record<string, unknown>; annotations?: Record<string, string> }, operation: AdmissionOperation = 'CREATE', subresource = ''): KubeObject {
  const object: KubeObject = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i', namespace: 'default', annotations: ingress.annotations }, spec: ingress.spec };
  void defaultIngressClassFrom(() => classes).admit!({
    resource: ResourceCatalog.shared().find('networking.k8s.io', 'v1', 'ingresses')!,
    operation, namespace: 'default', name: 'i', subresource, object, ctx: systemContext(),
  });
  return object;
}
const className = (o: KubeObject) => (o.spec as { ingressClassName?: string } | undefined)?.ingressClassName;

test('an Ingress naming no class gets the default one', () => {
  const classes = [cls('other', '2024-01-01T00:00:00Z'), cls('k8ts', '2024-01-01T00:00:00Z', 'true'), cls('off', '2024-01-01T00:00:00Z', 'false')];
  assert.equal(className(admit(classes, { spec: { defaultBackend: {} } })), 'k8ts');
  assert.equal(className(admit(classes, {})), 'k8ts', 'a missing spec is created to hold the class');
});

test('a class already named, even empty, or the legacy annotation, is kept', () => {
  const classes = [cls('k8ts', '2024-01-01T00:00:00Z', 'true')];
  assert.equal(className(admit(classes, { spec: { ingressClassName: 'nginx' } })), 'nginx');
  assert.equal(className(admit(classes, { spec: { ingressClassName: '' } })), '');
  assert.equal(className(admit(classes, { spec: {}, annotations: { 'kubernetes.io/ingress.class': 'traefik' } })), undefined);
});

test('no default class leaves the Ingress classless', () => {
  assert.equal(className(admit([cls('a', '2024-01-01T00:00:00Z'), cls('b', '2024-01-01T00:00:00Z', 'True')], { spec: {} })), undefined);
});

test('of several defaults the newest wins, then the first name', () => {
  const classes = [cls('old', '2024-01-01T00:00:00Z', 'true'), cls('new-b', '2024-06-01T00:00:00Z', 'true'), cls('new-a', '2024-06-01T00:00:00Z', 'true')];
  assert.equal(className(admit(classes, { spec: {} })), 'new-a');
});

test('only Ingress creation is touched', () => {
  const classes = [cls('k8ts', '2024-01-01T00:00:00Z', 'true')];
  assert.equal(className(admit(classes, { spec: {} }, 'UPDATE')), undefined);
  assert.equal(className(admit(classes, { spec: {} }, 'CREATE', 'status')), undefined);
});
