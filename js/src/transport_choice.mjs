// Picks the normal and the urgent (keepalive) transport from the options:
// a user `transport`, a `supabaseClient`, or supabaseUrl + supabaseKey.
import { fetchTransport, supabaseClientTransport, userTransport } from './transport.mjs';
import { workerRelay } from './worker_relay.mjs';

function missingFetch() {
  return Promise.reject(new Error('no fetch() in this runtime: pass options.fetch or options.transport'));
}

/**
 * @returns {{normal: Function, urgent: Function, close: () => void, relay: object|null}}
 *   close() ends what the transports hold (the relay worker); relay is the
 *   worker relay when normal batches go through one (see worker_relay.mjs).
 */
export function chooseTransports(options, ports) {
  if (options.transport) {
    const t = userTransport(options.transport);
    return { normal: t, urgent: t, close: () => {}, relay: null };
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
    return { normal, urgent, close: () => {}, relay: null };
  }
  if (!ports.fetch) return { normal: missingFetch, urgent: missingFetch, close: () => {}, relay: null };
  const urgent = fetchTransport(ports.fetch, options.supabaseUrl, options.supabaseKey);
  // Normal batches go through a worker (worker_relay.mjs); keepalive ones never
  // do. Off by default when the page gave its own fetch: the worker has only
  // the global one, and a custom fetch (extra headers, a proxy) would be bypassed.
  const inWorker = options.fetchInWorker === undefined ? !options.fetch : options.fetchInWorker;
  if (!inWorker) return { normal: urgent, urgent, close: () => {}, relay: null };
  const relay = workerRelay(ports, ports.fetch);
  const normal = fetchTransport(relay.fetch, options.supabaseUrl, options.supabaseKey);
  return { normal, urgent, close: relay.close, relay };
}
