// posthog-js (npm), pointed at the local stub server; only event capture on.
import posthog from 'posthog-js';

const { stubUrl } = window.benchConfig;
let loaded;
const ready = new Promise((resolve) => { loaded = resolve; });
posthog.init('phc_bench', {
  api_host: stubUrl,
  autocapture: false,
  capture_pageview: false,
  capture_pageleave: false,
  disable_session_recording: true,
  disable_surveys: true,
  advanced_disable_flags: true,
  disable_external_dependency_loading: true,
  persistence: 'localStorage',
  loaded: () => loaded(),
});
window.benchSdk = { ready, trackClick: (target) => posthog.capture('click', { target }) };
