// Page-hide detection for the urgent flush: visibilitychange -> hidden and
// pagehide. Not beforeunload: it does not fire on mobile when a tab is
// switched away and killed, and listening to it disables the bfcache.
// Returns a function that removes the listeners. No window/document (node):
// nothing is attached.

export function watchPageHide(win, doc, onHide) {
  const removers = [];
  if (doc && typeof doc.addEventListener === 'function') {
    const onVisibility = () => {
      if (doc.visibilityState === 'hidden') onHide('visibilitychange');
    };
    doc.addEventListener('visibilitychange', onVisibility);
    removers.push(() => doc.removeEventListener('visibilitychange', onVisibility));
  }
  if (win && typeof win.addEventListener === 'function') {
    const onPageHide = () => onHide('pagehide');
    win.addEventListener('pagehide', onPageHide);
    removers.push(() => win.removeEventListener('pagehide', onPageHide));
  }
  return () => {
    for (const remove of removers) remove();
  };
}
