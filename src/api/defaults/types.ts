// Shapes shared by the per-group defaulters. Objects arrive as decoded JSON, so fields are untyped.
export type Obj = Record<string, any>;

/** Fills unset fields of one kind in place; `version` matters only where versions differ. */
export type Defaulter = (obj: Obj, version: string) => void;
