/** An Alertmanager webhook payload (version 4) as Alertmanager 0.2x sends it; for tests. */
export function alertmanagerPayload(
  status: 'firing' | 'resolved',
  alerts: { name: string; summary?: string }[] = [{ name: 'HighErrorRate', summary: 'error rate 12% > 5%' }],
): Record<string, unknown> {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'switchyard',
    groupLabels: { alertname: alerts[0]?.name ?? 'HighErrorRate' },
    commonLabels: { alertname: alerts[0]?.name ?? 'HighErrorRate', severity: 'page' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((alert, index) => ({
      status,
      labels: { alertname: alert.name, severity: 'page', instance: `app-${index}` },
      annotations: alert.summary ? { summary: alert.summary } : {},
      startsAt: '2026-12-03T14:00:00Z',
      endsAt: status === 'resolved' ? '2026-12-03T14:05:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint: `f${index}`,
    })),
  };
}
