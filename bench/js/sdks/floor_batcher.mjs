// Reference floors, not SDKs: the pure-JS baseline plus only what #3's design
// makes every clik-analytics call pay for, written as plainly as JS allows, so
// the table shows what the "within 2x of the baseline" target leaves room for:
//   send:    the flush policy's request, one POST of each 20-event batch to the
//            stub's RPC path with the headers clik sends (apikey, Authorization,
//            JSON), the answer read as text and parsed (the per-event verdicts);
//   persist: also the queue in localStorage, one write per burst (a microtask
//            after the first track call of a task), as clik's persistence does;
//   worker:  the POST is made by a dedicated worker, as clik's request worker
//            does (js/src/worker_relay.mjs): the page posts the body only.
// No retries, no sessions, no validation: the cheapest version of the policy.
export function floorSdk({ persist, worker = false }) {
  const { stubUrl } = window.benchConfig;
  const url = stubUrl + '/rest/v1/rpc/ingest_analytics_batch';
  const headers = { 'Content-Type': 'application/json', apikey: 'bench-anon-key', Authorization: 'Bearer bench-anon-key' };
  let poster = null;
  if (worker) {
    const src = `onmessage=(e)=>{fetch(e.data.url,{method:'POST',headers:e.data.headers,body:e.data.body,credentials:'omit'}).then((r)=>r.text()).then((t)=>postMessage(t),()=>postMessage(''))}`;
    poster = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    poster.onmessage = (e) => { window.benchSink = e.data ? JSON.parse(e.data) : null; };
  }
  let queue = [];
  let unwritten = [];
  let writeScheduled = false;
  let chunk = 0;
  const write = () => {
    writeScheduled = false;
    localStorage.setItem('floor#' + (chunk++ % 16), JSON.stringify(unwritten));
    unwritten = [];
  };
  return {
    ready: Promise.resolve(),
    trackClick(target) {
      const event = { type: 'click', data: { clickTarget: target, timestamp: Date.now() } };
      queue.push(event);
      if (persist) {
        unwritten.push(event);
        if (!writeScheduled) {
          writeScheduled = true;
          queueMicrotask(write);
        }
      }
      if (queue.length === 20) {
        const body = '{"events":' + JSON.stringify(queue) + '}';
        queue = [];
        if (poster) { poster.postMessage({ url, headers, body }); return; }
        fetch(url, { method: 'POST', headers, body, credentials: 'omit' })
          .then((res) => res.text())
          .then((text) => { window.benchSink = JSON.parse(text); })
          .catch(() => {});
      }
    },
  };
}
