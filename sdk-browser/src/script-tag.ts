/**
 * The `<script>` build (`dist/switchyard.min.js`, global `Switchyard`): the client (usage reporting
 * included) and, for pages that track events, the metrics module, one file to load:
 * `Switchyard.createBrowserClient({ …, metrics: Switchyard.browserMetrics() })`.
 */
export * from './index.js';
export { browserMetrics } from './metrics.js';
