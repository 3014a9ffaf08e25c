/** Request and response examples of the OpenAPI document: real exchanges with the server (see http/openapi-examples.ts). */

/** Two of the series GET /metrics answers, in Prometheus's text format. */
export const metricsExample = [
  '# HELP switchyard_sdk_streams Connected SDK streams (per project and environment with SWITCHYARD_METRICS_TOKEN)',
  '# TYPE switchyard_sdk_streams gauge',
  'switchyard_sdk_streams{kind="server"} 12',
  '# HELP switchyard_changes_published_total Change messages published on the bus by the outbox publisher',
  '# TYPE switchyard_changes_published_total counter',
  'switchyard_changes_published_total 431',
  '',
].join('\n');
