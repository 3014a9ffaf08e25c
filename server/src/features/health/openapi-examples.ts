/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

export const aliveResponse = { status: 'ok' } as const;

export const readyResponse = { status: 'ready' } as const;
