// The Swagger 2.0 document in the protobuf encoding client-go asks /openapi/v2 for
// (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's `openapi.v2.Document`
// message, which kubectl proto-unmarshals for client-side validation and `explain
// --output=plaintext-openapiv2`. Field numbers follow gnostic-models' openapiv2/OpenAPIv2.proto.
// Values that proto cannot type (vendor extensions, `default`, `enum`, `example`) travel as
// `Any.yaml` text, as gnostic writes them; JSON is YAML, so they are written as JSON.
// Not covered, since no Kubernetes document uses them: `xml` and `type: file` schemas.
import { Writer } from './wire.js';

type Json = Record<string, any>;

/** A document the encoder cannot place in gnostic's messages (a parameter or security scheme of unknown kind). */
export class OpenApiV2EncodingError extends Error {}

export function encodeOpenApiV2Document(d: Json): Buffer {
  const w = new Writer().string(1, d.swagger);
  if (d.info) w.message(2, info(d.info));
  w.string(3, d.host).string(4, d.basePath);
  w.strings(5, d.schemes);
  w.strings(6, d.consumes);
  w.strings(7, d.produces);
  if (d.paths) w.message(8, paths(d.paths));
  if (d.definitions) w.message(9, named(d.definitions, schema));
  if (d.parameters) w.message(10, named(d.parameters, parameter));
  if (d.responses) w.message(11, named(d.responses, response));
  for (const req of d.security ?? []) w.message(12, securityRequirement(req));
  if (d.securityDefinitions) w.message(13, named(d.securityDefinitions, securityDefinitionsItem));
  for (const t of d.tags ?? []) w.message(14, tag(t));
  if (d.externalDocs) w.message(15, externalDocs(d.externalDocs));
  vendorExtensions(w, 16, d);
  return w.finish();
}

function info(i: Json): Writer {
  const w = new Writer().string(1, i.title).string(2, i.version).string(3, i.description).string(4, i.termsOfService);
  if (i.contact) w.message(5, vendorExtensions(new Writer().string(1, i.contact.name).string(2, i.contact.url).string(3, i.contact.email), 4, i.contact));
  if (i.license) w.message(6, vendorExtensions(new Writer().string(1, i.license.name).string(2, i.license.url), 3, i.license));
  return vendorExtensions(w, 7, i);
}

function tag(t: Json): Writer {
  const w = new Writer().string(1, t.name).string(2, t.description);
  if (t.externalDocs) w.message(3, externalDocs(t.externalDocs));
  return vendorExtensions(w, 4, t);
}

function externalDocs(e: Json): Writer {
  return vendorExtensions(new Writer().string(1, e.description).string(2, e.url), 3, e);
}

/** Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; } */
function paths(p: Json): Writer {
  const w = vendorExtensions(new Writer(), 1, p);
  for (const [name, item] of Object.entries(p)) if (name.startsWith('/')) w.message(2, new Writer().string(1, name).message(2, pathItem(item)));
  return w;
}

const PATH_ITEM_OPERATIONS = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 } as const;

function pathItem(p: Json): Writer {
  const w = new Writer().string(1, p.$ref);
  for (const [method, field] of Object.entries(PATH_ITEM_OPERATIONS)) if (p[method]) w.message(field, operation(p[method]));
  for (const item of p.parameters ?? []) w.message(9, parametersItem(item));
  return vendorExtensions(w, 10, p);
}

function operation(o: Json): Writer {
  const w = new Writer();
  w.strings(1, o.tags);
  w.string(2, o.summary).string(3, o.description);
  if (o.externalDocs) w.message(4, externalDocs(o.externalDocs));
  w.string(5, o.operationId);
  w.strings(6, o.produces);
  w.strings(7, o.consumes);
  for (const item of o.parameters ?? []) w.message(8, parametersItem(item));
  if (o.responses) w.message(9, responses(o.responses));
  w.strings(10, o.schemes);
  w.bool(11, o.deprecated);
  for (const req of o.security ?? []) w.message(12, securityRequirement(req));
  return vendorExtensions(w, 13, o);
}

/** ParametersItem { oneof { Parameter parameter = 1; JsonReference json_reference = 2; } } */
function parametersItem(p: Json): Writer {
  return typeof p.$ref === 'string' ? new Writer().message(2, jsonReference(p)) : new Writer().message(1, parameter(p));
}

function jsonReference(r: Json): Writer {
  return new Writer().string(1, r.$ref).string(2, r.description);
}

/** The sub-schema of a non-body parameter, by its `in`: NonBodyParameter's oneof field. */
const NON_BODY_PARAMETER = { header: 1, formData: 2, query: 3, path: 4 } as const;

/** Parameter { oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } } */
function parameter(p: Json): Writer {
  if (p.in === 'body') {
    const body = new Writer().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required);
    if (p.schema) body.message(5, schema(p.schema));
    return new Writer().message(1, vendorExtensions(body, 6, p));
  }
  const kind = NON_BODY_PARAMETER[p.in as keyof typeof NON_BODY_PARAMETER];
  if (!kind) throw new OpenApiV2EncodingError(`OpenAPI v2: parameter ${JSON.stringify(p.name)} has unknown location ${JSON.stringify(p.in)}`);
  const w = new Writer().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
  // Query and formData parameters carry allowEmptyValue at 5, which shifts their remaining fields.
  const hasAllowEmpty = p.in === 'query' || p.in === 'formData';
  if (hasAllowEmpty) w.bool(5, p.allowEmptyValue);
  const last = primitive(w, hasAllowEmpty ? 6 : 5, p);
  return new Writer().message(2, new Writer().message(kind, vendorExtensions(w, last + 1, p)));
}

/**
 * The seventeen fields every primitive-typed thing (non-body parameter, PrimitivesItems, Header)
 * has in the same order, numbered from `first`. Returns the last field number used.
 */
function primitive(w: Writer, first: number, p: Json): number {
  w.string(first, p.type).string(first + 1, p.format);
  if (p.items) w.message(first + 2, primitivesItems(p.items));
  w.string(first + 3, p.collectionFormat);
  if (p.default !== undefined) w.message(first + 4, any(p.default));
  w.double(first + 5, p.maximum).bool(first + 6, p.exclusiveMaximum).double(first + 7, p.minimum).bool(first + 8, p.exclusiveMinimum);
  w.int64(first + 9, p.maxLength).int64(first + 10, p.minLength).string(first + 11, p.pattern);
  w.int64(first + 12, p.maxItems).int64(first + 13, p.minItems).bool(first + 14, p.uniqueItems);
  for (const v of p.enum ?? []) w.message(first + 15, any(v));
  w.double(first + 16, p.multipleOf);
  return first + 16;
}

function primitivesItems(p: Json): Writer {
  const w = new Writer();
  return vendorExtensions(w, primitive(w, 1, p) + 1, p);
}

/** Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; } */
function responses(r: Json): Writer {
  const w = new Writer();
  for (const [code, value] of Object.entries(r)) {
    if (code.startsWith('x-')) continue;
    // ResponseValue { oneof { Response response = 1; JsonReference json_reference = 2; } }
    const v = typeof value.$ref === 'string' ? new Writer().message(2, jsonReference(value)) : new Writer().message(1, response(value));
    w.message(1, new Writer().string(1, code).message(2, v));
  }
  return vendorExtensions(w, 2, r);
}

function response(r: Json): Writer {
  const w = new Writer().string(1, r.description);
  // SchemaItem { oneof { Schema schema = 1; FileSchema file_schema = 2; } }
  if (r.schema) w.message(2, new Writer().message(1, schema(r.schema)));
  if (r.headers) w.message(3, named(r.headers, header));
  if (r.examples) w.message(4, named(r.examples, any));
  return vendorExtensions(w, 5, r);
}

function header(h: Json): Writer {
  const w = new Writer();
  primitive(w, 1, h);
  return vendorExtensions(w.string(18, h.description), 19, h);
}

function schema(s: Json): Writer {
  const w = new Writer().string(1, s.$ref).string(2, s.format).string(3, s.title).string(4, s.description);
  if (s.default !== undefined) w.message(5, any(s.default));
  w.double(6, s.multipleOf).double(7, s.maximum).bool(8, s.exclusiveMaximum).double(9, s.minimum).bool(10, s.exclusiveMinimum);
  w.int64(11, s.maxLength).int64(12, s.minLength).string(13, s.pattern);
  w.int64(14, s.maxItems).int64(15, s.minItems).bool(16, s.uniqueItems);
  w.int64(17, s.maxProperties).int64(18, s.minProperties);
  w.strings(19, s.required);
  for (const v of s.enum ?? []) w.message(20, any(v));
  // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }
  if (typeof s.additionalProperties === 'boolean') w.message(21, new Writer().oneofBool(2, s.additionalProperties));
  else if (s.additionalProperties) w.message(21, new Writer().message(1, schema(s.additionalProperties)));
  // TypeItem { repeated string value = 1; } and ItemsItem { repeated Schema schema = 1; }: each
  // takes the single-value form as a list of one.
  if (s.type !== undefined) w.message(22, new Writer().strings(1, [s.type].flat()));
  if (s.items) {
    const items = new Writer();
    for (const item of [s.items].flat()) items.message(1, schema(item));
    w.message(23, items);
  }
  for (const sub of s.allOf ?? []) w.message(24, schema(sub));
  if (s.properties) w.message(25, named(s.properties, schema));
  w.string(26, s.discriminator).bool(27, s.readOnly);
  if (s.externalDocs) w.message(29, externalDocs(s.externalDocs));
  if (s.example !== undefined) w.message(30, any(s.example));
  return vendorExtensions(w, 31, s);
}

/** SecurityRequirement { repeated NamedStringArray additional_properties = 1; } */
function securityRequirement(r: Json): Writer {
  const w = new Writer();
  for (const [name, scopes] of Object.entries(r)) w.message(1, new Writer().string(1, name).message(2, new Writer().strings(1, scopes as string[])));
  return w;
}

/** SecurityDefinitionsItem's oneof, chosen by type (and flow, for oauth2). */
function securityDefinitionsItem(d: Json): Writer {
  const w = new Writer().string(1, d.type);
  switch (d.type) {
    case 'basic':
      return new Writer().message(1, vendorExtensions(w.string(2, d.description), 3, d));
    case 'apiKey':
      return new Writer().message(2, vendorExtensions(w.string(2, d.name).string(3, d.in).string(4, d.description), 5, d));
    case 'oauth2': {
      w.string(2, d.flow).message(3, named(d.scopes ?? {}, (s: string) => s));
      if (d.flow === 'implicit') return new Writer().message(3, vendorExtensions(w.string(4, d.authorizationUrl).string(5, d.description), 6, d));
      if (d.flow === 'accessCode') return new Writer().message(6, vendorExtensions(w.string(4, d.authorizationUrl).string(5, d.tokenUrl).string(6, d.description), 7, d));
      const field = d.flow === 'password' ? 4 : 5;
      return new Writer().message(field, vendorExtensions(w.string(4, d.tokenUrl).string(5, d.description), 6, d));
    }
    default:
      throw new OpenApiV2EncodingError(`OpenAPI v2: unknown security scheme type ${JSON.stringify(d.type)}`);
  }
}

/**
 * A map as gnostic's repeated Named* pairs at field 1 ({name = 1, value = 2}); a string-valued
 * map (oauth2 scopes) becomes NamedString.
 */
function named<T>(map: Record<string, T>, value: (v: T) => Writer | string): Writer {
  const w = new Writer();
  for (const [name, v] of Object.entries(map)) {
    const encoded = value(v);
    const pair = new Writer().string(1, name);
    w.message(1, typeof encoded === 'string' ? pair.string(2, encoded) : pair.message(2, encoded));
  }
  return w;
}

/** Any { google.protobuf.Any value = 1; string yaml = 2; } */
function any(value: unknown): Writer {
  return new Writer().string(2, JSON.stringify(value) + '\n');
}

/** Every `x-` key of an object as NamedAny at `field`. */
function vendorExtensions(w: Writer, field: number, obj: Json): Writer {
  for (const [name, value] of Object.entries(obj)) if (name.startsWith('x-')) w.message(field, new Writer().string(1, name).message(2, any(value)));
  return w;
}
