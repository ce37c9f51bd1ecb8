#!/usr/bin/env node
// Writes a base and a head OpenAPI 3.0 spec (YAML) with OPERATIONS operations each, for the openapi-diff benchmark:
//
//   node bench/openapi-diff/generate.js OUTDIR OPERATIONS
//
// The API has OPERATIONS/5 resources; each has a list and a create operation on /v1/<resource>s and a get, an
// update and a delete on /v1/<resource>s/{id}, with its own schemas in components plus a few shared ones (Money,
// Owner, Error). The head changes the spec the way real releases do: about one resource in 16 gets one breaking
// change (an operation removed, a response field removed, retyped, made optional or given a new enum value, a
// success status or a media type removed, a required request field or query parameter added, a request bound
// narrowed, a request enum value removed), and about one in 8 gets a compatible one (an optional response field
// or a new operation). The output is deterministic (a fixed seed); it prints one summary line.
'use strict';
const fs = require('fs');
const path = require('path');

const [outDir, opsArg] = process.argv.slice(2);
const operations = Number(opsArg);
if (!outDir || !Number.isInteger(operations) || operations < 5) {
  console.error('usage: node generate.js OUTDIR OPERATIONS (at least 5)');
  process.exit(2);
}
const resources = Math.floor(operations / 5);

// mulberry32: a small seeded generator, so the same arguments give the same bytes.
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BREAKING = [
  'operation-removed', 'response-field-removed', 'response-field-type-changed', 'response-field-became-optional',
  'response-enum-value-added', 'response-status-removed', 'media-type-removed', 'request-field-became-required',
  'request-parameter-became-required', 'request-constraint-narrowed', 'request-enum-value-removed',
];
const COMPATIBLE = ['optional-response-field-added', 'operation-added'];

function plan() {
  const rnd = random(20240611);
  const changes = new Map();
  for (let i = 0; i < resources; i++) {
    const r = rnd();
    if (r < 1 / 16) {
      changes.set(i, BREAKING[Math.floor(rnd() * BREAKING.length)]);
    } else if (r < 1 / 16 + 1 / 8) {
      changes.set(i, COMPATIBLE[Math.floor(rnd() * COMPATIBLE.length)]);
    }
  }
  return changes;
}

function name(i) {
  return 'item' + i;
}

function pascal(i) {
  return 'Item' + i;
}

function resource(i, change, out) {
  const n = name(i);
  const P = pascal(i);
  const has = (c) => change === c;
  const statusEnum = has('response-enum-value-added') ? '[active, suspended, deleted, archived]' : '[active, suspended, deleted]';
  const listStatusEnum = has('request-enum-value-removed') ? '[active, suspended]' : '[active, suspended, deleted]';
  const tenant = has('request-parameter-became-required')
    ? '\n        - {name: tenant, in: query, required: true, schema: {type: string, maxLength: 64}}'
    : '';
  const created = has('response-status-removed') ? '"202"' : '"201"';
  const updateMedia = has('media-type-removed') ? 'application/merge-patch+json' : 'application/json';
  // Schemas are written inline, as many generated specs do: openapi-diff copies every component schema into each
  // body it compares, so per-resource component schemas would make its cost grow with the square of the spec.
  const required = has('response-field-became-optional') ? '[id, name, status]' : '[id, name, status, createdAt]';
  const amount = has('response-field-removed') ? '' : ', amount: {$ref: "#/components/schemas/Money"}';
  const status = has('response-field-type-changed') ? '{type: integer}' : `{type: string, enum: ${statusEnum}}`;
  const description = has('optional-response-field-added') ? ', description: {type: string, maxLength: 2000}' : '';
  const item = `{type: object, required: ${required}, properties: {id: {type: string, format: uuid, readOnly: true}, ` +
    `name: {type: string, maxLength: 200}, status: ${status}${amount}, createdAt: {type: string, format: date-time}${description}}}`;
  const summary = `{type: object, required: [id, name], properties: {id: {type: string}, name: {type: string}}}`;
  const createRequired = has('request-field-became-required') ? '[name, region]' : '[name]';
  const region = has('request-field-became-required') ? ', region: {type: string, enum: [eu, us, apac]}' : '';
  const nameMax = has('request-constraint-narrowed') ? 100 : 200;
  const create = `{type: object, required: ${createRequired}, properties: {name: {type: string, maxLength: ${nameMax}}, ` +
    `status: {type: string, enum: [active, suspended]}, amount: {$ref: "#/components/schemas/Money"}${region}}}`;
  out.paths.push(`  /v1/${n}s:
    get:
      operationId: list${P}s
      parameters:
        - $ref: "#/components/parameters/Limit"
        - $ref: "#/components/parameters/Cursor"
        - {name: status, in: query, schema: {type: string, enum: ${listStatusEnum}}}${tenant}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: object, required: [items], properties: {items: {type: array, items: ${summary}}, next: {type: string, nullable: true}}}
        "400": {$ref: "#/components/responses/BadRequest"}
    post:
      operationId: create${P}
      requestBody: {required: true, content: {application/json: {schema: ${create}}}}
      responses:
        ${created}: {description: Created, content: {application/json: {schema: ${item}}}}
        "400": {$ref: "#/components/responses/BadRequest"}
  /v1/${n}s/{id}:
    parameters:
      - $ref: "#/components/parameters/Id"
${has('operation-removed') ? '' : `    get:
      operationId: get${P}
      responses:
        "200": {description: OK, content: {application/json: {schema: ${item}}}}
        "404": {$ref: "#/components/responses/NotFound"}
`}    put:
      operationId: update${P}
      requestBody: {required: true, content: {${updateMedia}: {schema: ${create}}}}
      responses:
        "204": {description: Updated}
        "404": {$ref: "#/components/responses/NotFound"}
    delete:
      operationId: delete${P}
      responses:
        "204": {description: Deleted}
        "404": {$ref: "#/components/responses/NotFound"}
${has('operation-added') ? `    patch:
      operationId: patch${P}
      requestBody: {content: {application/merge-patch+json: {schema: ${create}}}}
      responses:
        "200": {description: OK, content: {application/json: {schema: ${item}}}}
` : ''}`);
}

function spec(changes) {
  const out = { paths: [] };
  for (let i = 0; i < resources; i++) {
    resource(i, changes ? changes.get(i) : undefined, out);
  }
  return `openapi: 3.0.3
info:
  title: Generated inventory API
  version: "${changes ? '2.0.0' : '1.0.0'}"
servers:
  - url: https://api.example.com
paths:
${out.paths.join('')}components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: string, format: uuid}}
    Limit: {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 100, default: 20}}
    Cursor: {name: cursor, in: query, schema: {type: string}}
  responses:
    BadRequest:
      description: The request is invalid
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Error"}
    NotFound:
      description: No such resource
      content:
        application/problem+json:
          schema: {$ref: "#/components/schemas/Error"}
  schemas:
    Money:
      type: object
      required: [currency, value]
      properties:
        currency: {type: string, pattern: "^[A-Z]{3}$"}
        value: {type: integer, format: int64}
    Tags: {type: array, items: {type: string, maxLength: 40}, maxItems: 20}
    Error:
      type: object
      required: [title, status]
      properties:
        type: {type: string}
        title: {type: string}
        status: {type: integer}
        detail: {type: string}
`;
}

const changes = plan();
fs.mkdirSync(outDir, { recursive: true });
const base = spec(null);
const head = spec(changes);
fs.writeFileSync(path.join(outDir, 'base.yaml'), base);
fs.writeFileSync(path.join(outDir, 'head.yaml'), head);
const counts = {};
for (const c of changes.values()) {
  counts[c] = (counts[c] || 0) + 1;
}
const breaking = [...changes.values()].filter((c) => BREAKING.includes(c)).length;
console.log(`operations=${resources * 5} resources=${resources} base_bytes=${Buffer.byteLength(base)} head_bytes=${Buffer.byteLength(head)} ` +
  `breaking_resources=${breaking} ` + Object.keys(counts).sort().map((k) => `${k}=${counts[k]}`).join(' '));
