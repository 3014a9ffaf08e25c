/**
 * The `<script>` build (`dist/switchyard.min.js`, global `Switchyard`): the client and, for pages
 * that report usage, the metrics module, one file to load:
 * `Switchyard.createBrowserClient({ …, metrics: Switchyard.browserMetrics() })`.
 */
export * from './index.js';
export { browserMetrics } from './metrics.js';
