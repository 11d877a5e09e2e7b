import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomResourceDefinition } from '../../api/types/generated.js';
import { decideNames } from './crd-names.js';

function crd(name: string, names: CustomResourceDefinition['spec']['names'], accepted?: CustomResourceDefinition['spec']['names']): CustomResourceDefinition {
  return {
    metadata: { name },
    spec: { group: 'example.com', scope: 'Namespaced', names, versions: [{ name: 'v1', served: true, storage: true }] },
    status: accepted ? { acceptedNames: accepted, conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }] } : undefined,
  };
}

const widgets = crd('widgets.example.com', { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] },
  { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList', shortNames: ['wd'] });

test('fresh names are accepted and the CRD established', () => {
  const gadgets = crd('gadgets.example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList', categories: ['all'] });
  const d = decideNames(gadgets, [widgets, gadgets]);
  assert.deepEqual(d.acceptedNames, { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList', categories: ['all'] });
  assert.deepEqual(d.namesAccepted, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
  assert.deepEqual(d.established, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
});

test('a name another CRD of the group accepted is refused with its reason; the rest are accepted', () => {
  const plural = decideNames(crd('widgets.other', { plural: 'widgets', singular: 'thing', kind: 'Thing', listKind: 'ThingList' }), [widgets]);
  assert.deepEqual([plural.namesAccepted.status, plural.namesAccepted.reason, plural.namesAccepted.message], ['False', 'PluralConflict', '"widgets" is already in use']);
  assert.equal(plural.acceptedNames.plural, '', 'the old (empty) accepted plural stays');
  assert.equal(plural.acceptedNames.kind, 'Thing');
  assert.deepEqual([plural.established.status, plural.established.reason, plural.established.message], ['False', 'NotAccepted', 'not all names are accepted']);

  const kind = decideNames(crd('things.example.com', { plural: 'things', singular: 'thing', kind: 'Widget', listKind: 'ThingList' }), [widgets]);
  assert.deepEqual([kind.namesAccepted.reason, kind.namesAccepted.message], ['KindConflict', '"Widget" is already in use']);
  const short = decideNames(crd('things.example.com', { plural: 'things', singular: 'thing', kind: 'Thing', listKind: 'ThingList', shortNames: ['wd', 'widget'] }), [widgets]);
  assert.deepEqual([short.namesAccepted.reason, short.namesAccepted.message], ['ShortNamesConflict', '["wd" is already in use, "widget" is already in use]']);
});

test('other groups do not conflict; an established CRD stays established when a name change is refused', () => {
  const elsewhere = { ...crd('widgets.other.io', { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' }) };
  elsewhere.spec.group = 'other.io';
  assert.equal(decideNames(elsewhere, [widgets, elsewhere]).namesAccepted.status, 'True');

  const gadgets = crd('gadgets.example.com', { plural: 'gadgets', singular: 'gadget', kind: 'Widget', listKind: 'GadgetList' },
    { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' });
  const d = decideNames(gadgets, [widgets, gadgets]);
  assert.equal(d.namesAccepted.reason, 'KindConflict');
  assert.equal(d.acceptedNames.kind, 'Gadget');
  assert.equal(d.established.status, 'True');
});
