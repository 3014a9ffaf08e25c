/**
 * A page that loads the IIFE build and renders one flag, as an application would. `flagsUrl` is the
 * Switchyard server; the page itself is served from another origin.
 */
export function demoPage(flagsUrl: string, clientKey: string): string {
  return `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>Switchyard demo</title></head>
  <body style="font: 24px sans-serif; padding: 24px">
    <h1>Checkout</h1>
    <p id="flag" data-state="loading">loading…</p>
    <p id="events"></p>
    <script src="/switchyard.min.js"></script>
    <script>
      const client = Switchyard.createBrowserClient({
        url: ${JSON.stringify(flagsUrl)},
        clientKey: ${JSON.stringify(clientKey)},
        context: { userId: 'u-42' },
        reconnectMinMs: 100,
        reconnectMaxMs: 500,
      });
      const flag = document.getElementById('flag');
      const events = document.getElementById('events');
      function render() {
        const on = client.isEnabled('new-checkout');
        flag.dataset.state = on ? 'on' : 'off';
        flag.textContent = on ? 'new-checkout is ON' : 'new-checkout is OFF';
      }
      for (const name of ['ready', 'change', 'stale', 'error']) {
        client.on(name, () => (events.textContent += name + ' '));
      }
      client.on('ready', render);
      client.on('change', render);
      window.switchyardClient = client;
    </script>
  </body>
</html>`;
}
