// The OpenAPI document the server hands out (/api/v1/openapi.json), held to the OpenAPI 3.0
// schema with @seriousme/openapi-schema-validator, so a client generator can read it; its
// examples held to their own schemas; the rule sets under data/rules/ to the rule set schema;
// and the checker the page tests and lib.mjs's api() use (openapi.mjs) shown to catch a wrong
// answer.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { componentValidator, openApiChecker } from './openapi.mjs';
import { api, checkedBody, fixture } from './lib.mjs';

describe('the OpenAPI document', () => {
  let doc;
  before(async () => {
    const res = await fetch(new URL('/api/v1/openapi.json', fixture.base));
    assert.equal(res.status, 200, 'the document is public');
    doc = await res.json();
  });

  test('validates against the OpenAPI 3.0 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(validator.version, '3.0');
    assert.deepEqual(result.errors ?? [], [], 'the document breaks the OpenAPI 3.0 schema');
    assert.equal(result.valid, true);
  });

  test('names every operation once, without slashes', () => {
    const seen = new Map();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        assert.match(op.operationId ?? '', /^[a-z][A-Za-z0-9]*$/, `${route} has no operationId fit for a client`);
        assert.ok(!seen.has(op.operationId), `${route} and ${seen.get(op.operationId)} share ${op.operationId}`);
        seen.set(op.operationId, route);
      }
    }
  });

  test('every example matches the schema it illustrates', () => {
    const examples = Object.entries(doc.components.schemas).filter(([, schema]) => 'example' in schema);
    assert.ok(examples.length >= 9, `only ${examples.length} schemas have an example`);
    for (const [name, schema] of examples) {
      const validate = componentValidator(doc, name);
      assert.ok(validate(schema.example), `the example of ${name}: ${JSON.stringify(validate.errors)}`);
    }
  });

  test('every rule set under data/rules/ matches the rule set schema', () => {
    const validate = componentValidator(doc, 'RuleSetBody');
    const dir = join(fixture.root, 'data', 'rules');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 3);
    for (const file of files) {
      const ruleSet = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      assert.ok(validate(ruleSet), `${file}: ${JSON.stringify(validate.errors)}`);
    }
    // And a misspelt key or a category of two conditions is not.
    const one = JSON.parse(readFileSync(join(dir, files[0]), 'utf8'));
    assert.equal(validate({ ...one, quota: [] }), false);
    const [name, category] = Object.entries(one.categories)[0];
    assert.equal(validate({ ...one, categories: { ...one.categories, [name]: { ...category, age_at_most: 35, not: 'x' } } }),
      false);
  });

  test('real answers pass the checker the page tests use, and a wrong one is named', async () => {
    const check = openApiChecker(doc);
    const events = await api('GET', 'events', fixture.staffToken);
    assert.deepEqual(check('GET', '/api/v1/events', 200, events), []);
    const search = await api('GET', 'search?q=%E5%B7%A5%E7%A8%8B&size=3', fixture.staffToken);
    assert.deepEqual(check('GET', '/api/v1/search', 200, search), []);
    const wrong = structuredClone(events);
    wrong.items[0].classes[0].capacity = '50';
    const problems = check('GET', '/api/v1/events', 200, wrong);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^GET \/api\/v1\/events 200: \/items\/0\/classes\/0\/capacity must be integer/);
    assert.match(check('GET', '/api/v1/events/2025-seminar', 418, {})[0], /status 418 is not declared/);
    assert.match(check('GET', '/api/v1/nowhere', 200, {})[0], /no route/);
  });

  test('an answer api() and sessionApi() fetch from node is held to the document too', async () => {
    const answer = (body, status = 200) => new Response(JSON.stringify(body),
      { status, headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    const at = new URL('/api/v1/events?size=1', fixture.base);
    const events = await api('GET', 'events', fixture.staffToken);
    assert.deepEqual(await checkedBody('GET', at, answer(events)), events);
    const wrong = structuredClone(events);
    wrong.items[0].classes[0].capacity = '50';
    await assert.rejects(checkedBody('GET', at, answer(wrong)),
      /^Error: GET \/api\/v1\/events\?size=1 200: not as the OpenAPI document declares:\n.*\/items\/0\/classes\/0\/capacity must be integer/);
    await assert.rejects(checkedBody('GET', at, answer({ error: 'nope' }, 404)), /404 .*not declared|404: .*must/);
    await assert.rejects(checkedBody('GET', at, new Response('{"total":',
      { headers: { 'Content-Type': 'application/json' } })), /body is not JSON/);
    assert.equal(await checkedBody('GET', at, new Response('PK', { headers: { 'Content-Type': 'application/zip' } })), null);
  });
});
