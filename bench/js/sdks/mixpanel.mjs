// mixpanel-browser (npm), pointed at the local stub server; batching (its
// default) with the localStorage queue.
import mixpanel from 'mixpanel-browser';

const { stubUrl } = window.benchConfig;
let loaded;
const ready = new Promise((resolve) => { loaded = resolve; });
mixpanel.init('mp_bench', {
  api_host: stubUrl,
  batch_requests: true,
  persistence: 'localStorage',
  track_pageview: false,
  ignore_dnt: true,
  loaded: () => loaded(),
});
window.benchSdk = { ready, trackClick: (target) => mixpanel.track('click', { target }) };
