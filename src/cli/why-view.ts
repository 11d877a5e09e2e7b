// What `k8ts why` prints: the verdict, then each section's findings, one per line with its
// severity and subject in aligned columns and the detail on the line below.
import type { Explanation } from '../api/why.js';

export function explanationText(e: Explanation): string {
  const t = e.target;
  const lines = [`${t.kind.toLowerCase()}/${t.name}${t.namespace ? ` in namespace ${t.namespace}` : ''}`, `${e.severity.toUpperCase()}: ${e.summary}`];
  for (const section of e.sections) {
    lines.push('', `${section.title}:`);
    const width = Math.max(...section.findings.map(f => (f.subject ?? '').length));
    for (const f of section.findings) {
      const lead = `  ${f.severity.padEnd(8)}${(f.subject ?? '').padEnd(width)}${width ? '  ' : ''}`;
      lines.push(lead + f.text);
      if (f.detail) lines.push(' '.repeat(lead.length) + f.detail);
    }
  }
  return lines.join('\n') + '\n';
}
