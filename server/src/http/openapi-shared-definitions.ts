/** The part of the OpenAPI document that `hoistSharedDefinitions` rewrites. */
interface DocumentWithSchemas {
  components?: { schemas?: Record<string, unknown> };
}

const SHARED = '__shared';

/**
 * fastify-type-provider-zod 7 puts schemas that zod shares between components (recursive ones,
 * such as a variant's JSON `value`) under `components.schemas.__shared.definitions`, and refers to
 * them as `#/components/schemas/__shared#/definitions/<id>` from components and as
 * `#/components/schemas/<id>` from operations: neither resolves, so Swagger UI and validators see
 * a broken reference. This moves them up into `components.schemas` and points every reference
 * there. A document without shared definitions is returned as it is.
 */
export function hoistSharedDefinitions<T extends object>(document: T): T {
  const { components } = document as DocumentWithSchemas;
  const schemas = components?.schemas;
  const shared = (schemas?.[SHARED] as { definitions?: Record<string, unknown> } | undefined)?.definitions;
  if (!schemas || !shared) return document;
  const { [SHARED]: _dropped, ...named } = schemas;
  const hoisted = { ...document, components: { ...components, schemas: { ...shared, ...named } } };
  return JSON.parse(
    JSON.stringify(hoisted).replaceAll(`"#/components/schemas/${SHARED}#/definitions/`, '"#/components/schemas/'),
  ) as T;
}
