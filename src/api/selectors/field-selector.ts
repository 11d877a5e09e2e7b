// Field selectors (`metadata.name=x,spec.nodeName!=`): only = / == / != on the fields a resource
// declares selectable, as upstream; anything else is a 400 with upstream's wording.
import { getKey } from '../../util/data-keys.js';
import { BadRequestError } from '../errors.js';

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** Reads a selectable field's value out of an object; undefined fields compare as "". */
export type FieldGetter = (obj: Record<string, any>) => string | undefined;

export class FieldSelector {
  constructor(readonly requirements: FieldRequirement[]) {}

  static everything(): FieldSelector {
    return new FieldSelector([]);
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  static parse(text: string | undefined | null): FieldSelector {
    if (!text || !text.trim()) return FieldSelector.everything();
    return new FieldSelector(text.split(',').map(part => {
      const m = part.trim().match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
      if (!m) throw new BadRequestError(`invalid selector: '${text}'; can't understand '${part}'`);
      return { field: m[1], value: m[3], negate: m[2] === '!=' };
    }));
  }

  /** The single `field=value` this selector pins, if any (lets lists narrow by name cheaply). */
  exactValue(field: string): string | undefined {
    return this.requirements.find(r => r.field === field && !r.negate)?.value;
  }

  /** Throws the upstream error when a field is not selectable for this resource. */
  check(fields: Record<string, FieldGetter>): void {
    for (const r of this.requirements) {
      if (!getKey(fields, r.field)) throw new BadRequestError(`field label not supported: ${r.field}`);
    }
  }

  matches(obj: Record<string, any>, fields: Record<string, FieldGetter>): boolean {
    return this.requirements.every(r => {
      const v = getKey(fields, r.field)?.(obj) ?? '';
      return r.negate ? v !== r.value : v === r.value;
    });
  }
}

/** Fields every resource supports. */
export const metadataFields: Record<string, FieldGetter> = {
  'metadata.name': o => o.metadata?.name,
  'metadata.namespace': o => o.metadata?.namespace,
};
