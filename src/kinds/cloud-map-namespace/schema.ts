/**
 * The CloudMapNamespace document schema. Cloud Map is outside the generated App Mesh + ECS set, so the kind brings
 * its own (Kind.documentSchema): the members of CreateHttpNamespace / CreatePrivateDnsNamespace with the limits
 * the Cloud Map API reference gives (names up to 1024 characters, descriptions up to 1024, SOA TTL 0..2147483647).
 */
import { ANNOTATIONS, API_VERSION, OWNERSHIP_TAGS } from '../../core/types';

const BOOLEAN_STRING = { type: 'string', enum: ['true', 'false'] };

export const documentSchema = {
  $id: 'https://meshward.dev/schemas/v1alpha1/cloud-map-namespace.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: API_VERSION },
    kind: { const: 'CloudMapNamespace' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[!-~]+$' },
        tags: {
          type: 'object',
          maxProperties: 48,
          propertyNames: {
            type: 'string',
            minLength: 1,
            maxLength: 128,
            pattern: '^(?![aA][wW][sS]:)',
            not: { enum: Object.values(OWNERSHIP_TAGS) },
          },
          additionalProperties: { type: 'string', maxLength: 256 },
        },
        annotations: {
          type: 'object',
          properties: {
            [ANNOTATIONS.adopt]: BOOLEAN_STRING,
            [ANNOTATIONS.deletionProtection]: BOOLEAN_STRING,
            [ANNOTATIONS.external]: BOOLEAN_STRING,
            [ANNOTATIONS.placeholder]: BOOLEAN_STRING,
          },
          additionalProperties: { type: 'string' },
        },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['HTTP', 'DNS_PRIVATE'] },
        description: { type: 'string', maxLength: 1024 },
        vpc: { type: 'string', minLength: 1, maxLength: 64 },
        properties: {
          type: 'object',
          additionalProperties: false,
          properties: {
            dnsProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['soa'],
              properties: {
                soa: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['ttl'],
                  properties: { ttl: { type: 'integer', minimum: 0, maximum: 2147483647 } },
                },
              },
            },
          },
        },
      },
      // A private DNS namespace lives in a VPC; an HTTP one has neither VPC nor DNS properties. The members are
      // named again where they are required, so the schema also compiles under Ajv's strict mode (strictRequired),
      // as the generated ones do (meshward.schema.json embeds it).
      if: { properties: { type: { const: 'DNS_PRIVATE' } } },
      then: { properties: { vpc: {} }, required: ['vpc'] },
      else: {
        not: {
          anyOf: [
            { properties: { vpc: {} }, required: ['vpc'] },
            { properties: { properties: {} }, required: ['properties'] },
          ],
        },
      },
    },
  },
};
