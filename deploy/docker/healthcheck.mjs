// Docker HEALTHCHECK probe: GET /healthz on the local server, exit 0 when it answers 2xx.
// The runtime image is slim (no curl/wget), so Node's own fetch does the request.
// Usage: node healthcheck.mjs [path]   (PORT and HEALTHCHECK_TIMEOUT_MS are read from the environment)
const port = process.env.PORT || '4242';
const path = process.argv[2] || '/healthz';
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 2000);

try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) console.error(`healthcheck: ${path} answered ${response.status}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`healthcheck: ${path} unreachable: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
