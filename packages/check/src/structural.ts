import { isPlainObject, type Values } from '@idstack/core';
import type { ValidateFunction } from 'ajv';
import { cachedValidator } from './cache.js';
import type { CrdInfo } from './upstream.js';

/**
 * Turns a CRD's structural `openAPIV3Schema` into a JSON Schema that rejects what the API server rejects with
 * strict field validation: unknown fields (every object without `x-kubernetes-preserve-unknown-fields` is closed),
 * wrong types, missing required fields, enum/pattern violations. `x-kubernetes-int-or-string`, `nullable` and
 * `x-kubernetes-embedded-resource` are honoured; CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
export function structuralToJsonSchema(schema: Values): Values {
  const root = convert(schema, true);
  // Every object has apiVersion, kind and metadata, declared or not.
  const props = { ...((root.properties as Values | undefined) ?? {}) };
  props.apiVersion ??= { type: 'string' };
  props.kind ??= { type: 'string' };
  props.metadata = METADATA;
  return {
    ...root,
    type: 'object',
    properties: props,
    additionalProperties: root.additionalProperties ?? false,
  };
}

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
/** The ObjectMeta fields a manifest may carry. */
const METADATA = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    namespace: { type: 'string' },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    finalizers: { type: 'array', items: { type: 'string' } },
    generateName: { type: 'string' },
    ownerReferences: { type: 'array' },
  },
  additionalProperties: false,
};

function convert(node: Values, closable: boolean): Values {
  const out: Values = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'default' || key === 'example')
      continue;
    out[key] = value;
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  // OpenAPI v3.0 booleans for exclusive bounds (JSON Schema draft-07 wants numbers).
  if (node.exclusiveMinimum === true && typeof node.minimum === 'number') {
    out.exclusiveMinimum = node.minimum;
    delete out.minimum;
  } else if (typeof node.exclusiveMinimum === 'boolean') delete out.exclusiveMinimum;
  if (node.exclusiveMaximum === true && typeof node.maximum === 'number') {
    out.exclusiveMaximum = node.maximum;
    delete out.maximum;
  } else if (typeof node.exclusiveMaximum === 'boolean') delete out.exclusiveMaximum;
  if (isPlainObject(node.properties)) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([k, v]) => [k, convert(v as Values, true)]),
    );
  }
  if (isPlainObject(node.items)) out.items = convert(node.items, true);
  if (isPlainObject(node.additionalProperties))
    out.additionalProperties = convert(node.additionalProperties, true);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    if (Array.isArray(node[k]) && !(k === 'anyOf' && node['x-kubernetes-int-or-string'] === true))
      out[k] = (node[k] as Values[]).map((s) => convert(s, false));
  }
  if (isPlainObject(node.not)) out.not = convert(node.not, false);
  if (node['x-kubernetes-embedded-resource'] === true) {
    const props = { ...((out.properties as Values | undefined) ?? {}) };
    props.apiVersion ??= { type: 'string' };
    props.kind ??= { type: 'string' };
    props.metadata ??= { type: 'object' };
    out.properties = props;
  }
  const isObject = node.type === 'object' || isPlainObject(node.properties);
  // Structural schemas prune (and strict validation rejects) fields they do not declare.
  if (
    closable &&
    isObject &&
    node['x-kubernetes-preserve-unknown-fields'] !== true &&
    node.additionalProperties === undefined
  ) {
    out.properties ??= {};
    out.additionalProperties = false;
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const validators = new Map<string, ValidateFunction>();

/** The validator of one version of a CRD (compiled once, cached across runs). */
export function crdValidator(crd: CrdInfo, version: string): ValidateFunction | undefined {
  const key = `${crd.source}:${crd.group}/${crd.kind}@${version}`;
  let validate = validators.get(key);
  if (!validate) {
    const schema = crd.versions.get(version);
    if (!schema) return undefined;
    validate = cachedValidator(structuralToJsonSchema(schema), 'draft-07');
    validators.set(key, validate);
  }
  return validate;
}
