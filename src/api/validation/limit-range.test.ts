import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coreDefaults } from '../defaults/core.js';
import { goQuantity } from './go-value.js';
import { limitRangeRules } from './limit-range.js';

function errors(limits: object[]): string[] {
  const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'ns' }, spec: { limits } };
  coreDefaults.LimitRange!(lr as never, 'v1');
  return limitRangeRules.validate!(lr).map(e => e.toString());
}

test('a consistent LimitRange is valid', () => {
  assert.deepEqual(errors([
    { type: 'Container', min: { cpu: '100m' }, max: { cpu: '2', memory: '1Gi' }, default: { cpu: '500m' }, defaultRequest: { cpu: '250m' }, maxLimitRequestRatio: { cpu: '4' } },
    { type: 'Pod', max: { cpu: '4' } },
    { type: 'PersistentVolumeClaim', min: { storage: '1Gi' } },
  ]), []);
});

test('bounds out of order are invalid, the value printed as upstream prints a Quantity', () => {
  assert.deepEqual(errors([{ type: 'Container', max: { cpu: '1' }, default: { cpu: '2' } }]), [
    'spec.limits[0].defaultRequest[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:2, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"2", Format:"DecimalSI"}: default request value 2 is greater than max value 1',
    'spec.limits[0].default[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1", Format:"DecimalSI"}: default value 2 is greater than max value 1',
  ]);
  assert.deepEqual(errors([{ type: 'Container', min: { memory: '1Gi' }, max: { memory: '512Mi' }, maxLimitRequestRatio: { memory: '500m' } }]), [
    'spec.limits[0].min[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1073741824, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1Gi", Format:"BinarySI"}: min value 1Gi is greater than max value 512Mi',
    'spec.limits[0].defaultRequest[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:536870912, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"", Format:"BinarySI"}: min value 1Gi is greater than default request value 512Mi',
    'spec.limits[0].default[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:1073741824, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"1Gi", Format:"BinarySI"}: min value 1Gi is greater than default value 512Mi',
    'spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: resource.Quantity{i:resource.int64Amount{value:500, scale:-3}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"500m", Format:"DecimalSI"}: ratio 500m is less than 1',
  ]);
});

test('types: standard or qualified, once each; Pod takes no defaults; a claim limit needs a storage bound', () => {
  assert.deepEqual(errors([{ type: 'Pod', max: { cpu: '1' }, default: { cpu: '1' } }, { type: 'Pod', max: { cpu: '1' } }, { type: 'Node' }, { type: 'PersistentVolumeClaim', max: { cpu: '1' } }]), [
    "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'",
    'spec.limits[1].type: Duplicate value: "Pod"',
    'spec.limits[2].type: Invalid value: "Node": must be a standard limit type or fully qualified',
    'spec.limits[3].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
  ]);
  // The defaults copied from max are checked too, as upstream validates the defaulted object.
  assert.deepEqual(errors([{ type: 'Container', max: { pods: '1' } }]), ['max', 'default', 'defaultRequest'].map(f => `spec.limits[0].${f}[pods]: Invalid value: "pods": must be a standard resource for containers`));
});

test('the ratio may not exceed max/min', () => {
  assert.deepEqual(errors([{ type: 'Container', min: { cpu: '500m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '3' } }]), [
    'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: resource.Quantity{i:resource.int64Amount{value:3, scale:0}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:"3", Format:"DecimalSI"}: ratio 3 is greater than max/min = 2.000000',
  ]);
});

test('Go renders only canonical-looking quantities with their text', () => {
  assert.match(goQuantity('128Mi'), /value:134217728, scale:0\}.*s:"", Format:"BinarySI"/);
  assert.match(goQuantity('1k'), /value:1, scale:3\}.*s:"1k", Format:"DecimalSI"/);
  assert.match(goQuantity('0'), /value:0, scale:0\}.*s:"0", Format:"DecimalSI"/);
});
