// Opt-in autocapture (options.autocapture):
//  - clicks: any activation of an element inside [data-clik-track="<target>"]
//    sends trackClick(target). Listening to `click` in the capture phase on
//    the document sees keyboard activation too (Enter/Space on links and
//    buttons dispatch click) and runs before handlers that stop propagation.
//  - pageViews: the first page view, then every SPA route change through the
//    History API (pushState / replaceState / popstate) that changes the path.
//    pageType(location) names the page; the default is the path's last
//    segment ("/" -> "home"). Returning "" or null skips that route.
// Returns a function that removes every listener and patch.

const ATTRIBUTE = 'data-clik-track';

export function defaultPageType(location) {
  const segments = String(location.pathname || '/').split('/').filter(Boolean);
  return segments.length ? decodeSegment(segments[segments.length - 1]) : 'home';
}

function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function trackedElement(target) {
  let el = target;
  if (el && el.nodeType === 3) el = el.parentElement; // text node
  return el && typeof el.closest === 'function' ? el.closest('[' + ATTRIBUTE + ']') : null;
}

export function startAutocapture(settings, ports, api, onError) {
  const removers = [];
  const doc = ports.document;
  if (settings.clicks && doc && typeof doc.addEventListener === 'function') {
    const onClick = (event) => {
      try {
        const el = trackedElement(event && event.target);
        const target = el ? el.getAttribute(ATTRIBUTE) : null;
        if (target) api.trackClick(target);
      } catch (err) {
        onError(err);
      }
    };
    doc.addEventListener('click', onClick, true);
    removers.push(() => doc.removeEventListener('click', onClick, true));
  }
  const win = ports.window;
  const history = ports.history;
  const location = ports.location;
  if (settings.pageViews && location) {
    const pageType = settings.pageType || defaultPageType;
    let lastPath = null;
    const onRoute = () => {
      try {
        const path = String(location.pathname);
        if (path === lastPath) return;
        lastPath = path;
        const type = pageType(location);
        if (type) api.trackPageView(String(type));
      } catch (err) {
        onError(err);
      }
    };
    onRoute();
    if (history) {
      for (const method of ['pushState', 'replaceState']) {
        const original = history[method];
        if (typeof original !== 'function') continue;
        const patched = function (...args) {
          const result = original.apply(this, args);
          onRoute();
          return result;
        };
        history[method] = patched;
        // Another library may have wrapped ours since: then its wrapper stays
        // and our onRoute keeps running into a destroyed tracker, a no-op.
        removers.push(() => {
          if (history[method] === patched) history[method] = original;
        });
      }
    }
    if (win && typeof win.addEventListener === 'function') {
      win.addEventListener('popstate', onRoute);
      removers.push(() => win.removeEventListener('popstate', onRoute));
    }
  }
  return () => {
    for (const remove of removers) remove();
  };
}
