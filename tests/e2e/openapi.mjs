// The API's own description (/api/v1/openapi.json) as a checker of real answers: each answer
// of a route, method and status is held to the schema the document declares for it, with ajv.
// OpenAPI 3.0 schemas are JSON Schema with a few differences, turned here into what ajv reads:
// `nullable` becomes a null type (or a null alternative), a boolean `exclusiveMinimum` the
// number form, and $ref into components a reference into one schema of definitions.

import Ajv from 'ajv';

const kComponents = '#/components/schemas/';

// An OpenAPI 3.0 schema as JSON Schema (draft-07, as ajv reads it).
export function toJsonSchema(schema) {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'discriminator' || key.startsWith('x-')) continue;
    if (key === '$ref') out.$ref = value.startsWith(kComponents) ? `openapi#/definitions/${value.slice(kComponents.length)}` : value;
    else if (key === 'properties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
    } else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value === true && schema[bound] !== undefined) out[key] = schema[bound];
    } else out[key] = toJsonSchema(value);
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (schema[flag] === true) delete out[bound];
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

// A checker for one document: check(method, path, status, body) answers the problems found,
// each naming the route and the place in the body ([] when the answer is as declared).
export function openApiChecker(doc) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi', definitions: toJsonSchema(doc.components.schemas) });
  const routes = Object.entries(doc.paths).map(([template, operations]) => ({
    template,
    pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    // A literal segment outranks a placeholder: /rounds/supplementary before /rounds/{code}.
    placeholders: (template.match(/\{/g) || []).length,
    operations,
  })).sort((a, b) => a.placeholders - b.placeholders);
  const compiled = new Map();
  const validator = (key, schema) => {
    if (!compiled.has(key)) compiled.set(key, ajv.compile(toJsonSchema(schema)));
    return compiled.get(key);
  };
  return function check(method, path, status, body) {
    const route = routes.find((r) => r.pattern.test(path) && r.operations[method.toLowerCase()]);
    const where = `${method} ${path}`;
    if (!route) return [`${where}: no route of the OpenAPI document`];
    const operation = route.operations[method.toLowerCase()];
    const name = `${method} ${route.template} ${status}`;
    const answer = operation.responses[String(status)];
    if (!answer) return [`${name}: status ${status} is not declared for the route`];
    const schema = answer.content && answer.content['application/json'] && answer.content['application/json'].schema;
    if (!schema) return [`${name}: declared without a JSON body`];
    const validate = validator(name, schema);
    if (validate(body)) return [];
    return validate.errors.map((e) => `${name}: ${e.instancePath || '/'} ${e.message}` +
      (e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : '') +
      (e.params && e.params.allowedValues ? ` (${JSON.stringify(e.params.allowedValues)})` : ''));
  };
}

// A validator of one named component schema (data files, examples).
export function componentValidator(doc, name) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi', definitions: toJsonSchema(doc.components.schemas) });
  return ajv.compile({ $ref: `openapi#/definitions/${name}` });
}
