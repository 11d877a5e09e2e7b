// Field paths as upstream's field.Path prints them: `a.b`, `a[0]`, `a[key]`.
export const child = (path: string, name: string): string => (path ? `${path}.${name}` : name);
export const index = (path: string, i: number): string => `${path}[${i}]`;
export const key = (path: string, k: string): string => `${path}[${k}]`;
