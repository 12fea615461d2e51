// Page-hide detection for the urgent flush: visibilitychange -> hidden and
// pagehide. Not beforeunload: it does not fire on mobile when a tab is
// switched away and killed, and listening to it disables the bfcache.
// Hidden is the last event a page can count on (mobile browsers kill hidden
// tabs without a pagehide). onShow: the page is back (visible again, or
// restored from the bfcache: pageshow with persisted).
// Returns a function that removes the listeners. No window/document (node):
// nothing is attached.

export function watchPageHide(win, doc, onHide, onShow) {
  const removers = [];
  if (doc && typeof doc.addEventListener === 'function') {
    const onVisibility = () => {
      if (doc.visibilityState === 'hidden') onHide('visibilitychange');
      else if (doc.visibilityState === 'visible') onShow();
    };
    doc.addEventListener('visibilitychange', onVisibility);
    removers.push(() => doc.removeEventListener('visibilitychange', onVisibility));
  }
  if (win && typeof win.addEventListener === 'function') {
    const onPageHide = () => onHide('pagehide');
    win.addEventListener('pagehide', onPageHide);
    removers.push(() => win.removeEventListener('pagehide', onPageHide));
    const onPageShow = (event) => {
      if (event && event.persisted) onShow();
    };
    win.addEventListener('pageshow', onPageShow);
    removers.push(() => win.removeEventListener('pageshow', onPageShow));
  }
  return () => {
    for (const remove of removers) remove();
  };
}
