// Picks the normal and the urgent (keepalive) transport from the options:
// a user `transport`, a `supabaseClient`, or supabaseUrl + supabaseKey.
import { fetchTransport, supabaseClientTransport, userTransport } from './transport.mjs';

function missingFetch() {
  return Promise.reject(new Error('no fetch() in this runtime: pass options.fetch or options.transport'));
}

export function chooseTransports(options, ports) {
  if (options.transport) {
    const t = userTransport(options.transport);
    return { normal: t, urgent: t };
  }
  if (options.supabaseClient) {
    const client = options.supabaseClient;
    const normal = supabaseClientTransport(client);
    // At page hide the request must be started synchronously with keepalive,
    // which client.rpc() cannot do (it awaits the auth session first): use the
    // client's URL and key with a plain keepalive fetch.
    const settingsFetch = client.settings && client.settings.global && client.settings.global.fetch;
    const f = options.fetch || settingsFetch || ports.fetch;
    const urgent = typeof client.supabaseUrl === 'string' && typeof client.supabaseKey === 'string' && f
      ? fetchTransport(f, client.supabaseUrl, client.supabaseKey)
      : normal;
    return { normal, urgent };
  }
  const t = ports.fetch ? fetchTransport(ports.fetch, options.supabaseUrl, options.supabaseKey) : missingFetch;
  return { normal: t, urgent: t };
}
