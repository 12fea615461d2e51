// The share page's own behaviour: tab switching as a small single-page app.
// Analytics calls go through window.clik (the queueing stub until the SDK
// has loaded), so a tab switch made before the SDK arrives is still counted.
(function () {
  var sections = document.querySelectorAll('[data-section]');
  var tabs = document.querySelectorAll('[data-page]');

  var current = null;

  function show(page) {
    if (!document.querySelector('[data-section="' + page + '"]')) page = 'home';
    current = page;
    sections.forEach(function (s) { s.hidden = s.getAttribute('data-section') !== page; });
    tabs.forEach(function (t) { t.classList.toggle('active', t.getAttribute('data-page') === page); });
    return page;
  }

  function pageFromUrl() {
    return new URLSearchParams(location.search).get('page') || 'home';
  }

  tabs.forEach(function (tab) {
    tab.addEventListener('click', function (e) {
      e.preventDefault();
      var page = show(tab.getAttribute('data-page'));
      history.pushState({ page: page }, '', '?page=' + page);
      window.clik('trackPageView', 'page.' + page);
    });
  });

  // Back/forward between tabs is a page view; a fragment link (#case-…) also
  // fires popstate but stays on the same tab, so it is not.
  window.addEventListener('popstate', function () {
    var page = pageFromUrl();
    if (page === current) return;
    window.clik('trackPageView', 'page.' + show(page));
  });

  document.getElementById('ask-agent').addEventListener('click', function () {
    document.getElementById('agent-answer').hidden = false;
  });

  // The first view of the page: a session start and a page view.
  var first = show(pageFromUrl());
  window.clik('trackView');
  window.clik('trackPageView', 'page.' + first);
})();
