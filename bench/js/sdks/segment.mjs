// @segment/analytics-next (npm), with its CDN settings and its tracking API
// both on the local stub server; its localStorage-persisted queue stays on.
import { AnalyticsBrowser } from '@segment/analytics-next';

const { stubUrl } = window.benchConfig;
const host = new URL(stubUrl).host;
const analytics = AnalyticsBrowser.load(
  {
    writeKey: 'seg_bench',
    cdnURL: stubUrl,
    cdnSettings: { integrations: { 'Segment.io': { apiKey: 'seg_bench', apiHost: `${host}/v1`, protocol: 'http' } } },
  },
  { initialPageview: false },
);
window.benchSdk = {
  ready: analytics.then(() => undefined),
  trackClick: (target) => { analytics.track('click', { target }); },
};
