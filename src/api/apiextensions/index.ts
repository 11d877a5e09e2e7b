// CustomResourceDefinitions, the pure part: validating CRDs as upstream's apiextensions
// validation does, and compiling a version's structural schema into pruning, defaulting and
// validation of custom resources (OpenAPI checks, list types, CEL x-kubernetes-validations).
//
//   const errs = validateCustomResourceDefinition(crd, old);         // FieldError[] for a 422
//   const compiled = compileCustomResourceSchema(crd, 'v1');         // once per CRD generation
//   compiled.prune(obj); compiled.applyDefaults(obj);                // on decode
//   const errs = compiled.validate(obj, oldObj);                     // on create/update
export { validateCustomResourceDefinition } from './crd-validation.js';
export { compileCustomResourceSchema, NoSchemaError, type CompiledCustomResourceSchema, type FieldTypeInfo } from './compiled-schema.js';
