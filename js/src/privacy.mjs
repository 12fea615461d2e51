// Consent: an explicit optOut()/optIn() (persisted in localStorage, no
// cookies) wins; otherwise Do Not Track and Global Privacy Control disable
// tracking unless the site set respectDoNotTrack: false.

const OUT = 'out';
const IN = 'in';

export function consentKey(prefix) {
  return prefix + ':consent';
}

/** True when the browser asks not to be tracked (DNT or GPC). */
export function browserSignalsNoTracking(navigator) {
  if (!navigator) return false;
  try {
    return navigator.doNotTrack === '1' || navigator.globalPrivacyControl === true;
  } catch {
    return false;
  }
}

/**
 * @param {import('./safe_storage.mjs').SafeStorage} local
 * @param {string} prefix
 * @param {Navigator|undefined} navigator
 * @param {boolean} respectDoNotTrack
 */
export function trackingAllowed(local, prefix, navigator, respectDoNotTrack) {
  const consent = local.get(consentKey(prefix));
  if (consent === OUT) return false;
  if (consent === IN) return true;
  return !(respectDoNotTrack && browserSignalsNoTracking(navigator));
}

export function recordOptOut(local, prefix) {
  local.set(consentKey(prefix), OUT);
}

export function recordOptIn(local, prefix) {
  local.set(consentKey(prefix), IN);
}
