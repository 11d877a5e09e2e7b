// PrioritySort: higher priority first, then whoever has waited longer.
import type { Plugin } from '../framework.js';

export const prioritySort: Plugin = {
  name: 'PrioritySort',
  less: (a, b) => a.info.priority > b.info.priority || (a.info.priority === b.info.priority && a.timestamp < b.timestamp),
};
