-- get_analytics_dashboard(user_code text, filters jsonb): the owner's dashboard, read
-- from the rollups only (never the raw events). Safe to re-apply.
--
-- Who may call: authenticated users (Supabase RPC with a user JWT), for a userCode
-- they own in public.user_code_ownership. Why it is safe although SECURITY DEFINER
-- (the rollups are not readable by API roles): the first statement checks ownership
-- against auth.uid() and raises 42501 (HTTP 403) otherwise; search_path is empty and
-- every name qualified; it only reads aggregates of that one userCode; filters are
-- validated and the date range is bounded.
CREATE OR REPLACE FUNCTION public.get_analytics_dashboard(user_code text, filters jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
-- Its plan's estimates (correlated sums over CTEs, generate_series guessed at 1000
-- rows) pass jit_above_cost although it reads a few thousand rollup rows: JIT
-- compiling then cost ~80 ms of a ~100 ms call at 10 M stored events, every call.
SET jit = off
AS $$
DECLARE
  max_days CONSTANT integer := 400;     -- longest range one call may ask for
  top_targets CONSTANT integer := 20;   -- length of topClickTargets
  code text := get_analytics_dashboard.user_code;
  f jsonb := coalesce(get_analytics_dashboard.filters, '{}'::jsonb);
  uid uuid := auth.uid();
  day_from date;
  day_to date;
  share text;
  contact text;
  result jsonb;
BEGIN
  IF uid IS NULL OR code IS NULL OR NOT EXISTS (
       SELECT 1 FROM public.user_code_ownership AS o WHERE o.user_id = uid AND o.user_code = code) THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = 'not allowed to read analytics for this user code',
      HINT = 'sign in as an owner of the code (public.user_code_ownership)';
  END IF;

  IF pg_catalog.jsonb_typeof(f) <> 'object' THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'filters must be a JSON object';
  END IF;
  BEGIN
    day_to := coalesce((f ->> 'to')::date, (pg_catalog.now() AT TIME ZONE 'UTC')::date);
    day_from := coalesce((f ->> 'from')::date, day_to - 29);
  EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'filters.from / filters.to must be dates (YYYY-MM-DD)';
  END;
  IF day_from > day_to OR day_to - day_from >= max_days THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = pg_catalog.format('filters: from must not be after to, and the range is at most %s days', max_days);
  END IF;
  IF coalesce(pg_catalog.jsonb_typeof(f -> 'shareCode'), 'null') NOT IN ('string', 'null')
     OR coalesce(pg_catalog.jsonb_typeof(f -> 'contactId'), 'null') NOT IN ('string', 'null') THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = 'filters.shareCode / filters.contactId must be strings';
  END IF;
  share := f ->> 'shareCode';
  contact := nullif(f ->> 'contactId', '');

  WITH
  s AS (
    SELECT r.day, r.share_code, r.contact_id, pg_catalog.sum(r.unique_sessions) AS sessions
    FROM analytics.daily_rollups AS r
    WHERE r.user_code = code AND r.kind = 's' AND r.day BETWEEN day_from AND day_to
      AND (share IS NULL OR r.share_code = share) AND (contact IS NULL OR r.contact_id = contact)
    GROUP BY 1, 2, 3
  ),
  pv AS (
    SELECT r.day, r.share_code, r.contact_id, r.item AS page_type,
           pg_catalog.sum(r.events) AS views, pg_catalog.sum(r.unique_sessions) AS uniq
    FROM analytics.daily_rollups AS r
    WHERE r.user_code = code AND r.kind = 'p' AND r.day BETWEEN day_from AND day_to
      AND (share IS NULL OR r.share_code = share) AND (contact IS NULL OR r.contact_id = contact)
    GROUP BY 1, 2, 3, 4
  ),
  cc AS (
    SELECT r.day, r.share_code, r.contact_id, r.item AS click_category,
           pg_catalog.sum(r.events) AS clicks, pg_catalog.sum(r.unique_sessions) AS uniq
    FROM analytics.daily_rollups AS r
    WHERE r.user_code = code AND r.kind = 'c' AND r.day BETWEEN day_from AND day_to
      AND (share IS NULL OR r.share_code = share) AND (contact IS NULL OR r.contact_id = contact)
    GROUP BY 1, 2, 3, 4
  ),
  ct AS (
    SELECT r.item AS click_target, r.category AS click_category,
           pg_catalog.sum(r.events) AS clicks, pg_catalog.sum(r.unique_sessions) AS uniq
    FROM analytics.daily_rollups AS r
    WHERE r.user_code = code AND r.kind = 't' AND r.day BETWEEN day_from AND day_to
      AND (share IS NULL OR r.share_code = share) AND (contact IS NULL OR r.contact_id = contact)
    GROUP BY 1, 2
  ),
  -- One row per (day, share code, contact) with the three counts side by side: the
  -- daily series and the share-code and contact breakdowns are sums over it (one pass
  -- each, instead of a correlated sum per day, share code or contact and count).
  counts AS (
    SELECT x.day, x.share_code, x.contact_id,
           pg_catalog.sum(x.sessions) AS sessions, pg_catalog.sum(x.page_views) AS page_views,
           pg_catalog.sum(x.clicks) AS clicks
    FROM (SELECT s.day, s.share_code, s.contact_id, s.sessions, 0 AS page_views, 0 AS clicks FROM s
          UNION ALL
          SELECT pv.day, pv.share_code, pv.contact_id, 0, pv.views, 0 FROM pv
          UNION ALL
          SELECT cc.day, cc.share_code, cc.contact_id, 0, 0, cc.clicks FROM cc) AS x
    GROUP BY 1, 2, 3
  ),
  days AS (
    SELECT g::date AS day FROM pg_catalog.generate_series(day_from, day_to, interval '1 day') AS g
  ),
  daily AS (
    SELECT d.day, coalesce(c.sessions, 0) AS sessions, coalesce(c.page_views, 0) AS page_views,
           coalesce(c.clicks, 0) AS clicks
    FROM days AS d
    LEFT JOIN (SELECT k.day, pg_catalog.sum(k.sessions) AS sessions, pg_catalog.sum(k.page_views) AS page_views,
                      pg_catalog.sum(k.clicks) AS clicks
               FROM counts AS k GROUP BY 1) AS c ON c.day = d.day
  ),
  by_share AS (
    SELECT k.share_code, pg_catalog.sum(k.sessions) AS sessions, pg_catalog.sum(k.page_views) AS page_views,
           pg_catalog.sum(k.clicks) AS clicks
    FROM counts AS k GROUP BY 1
  ),
  by_contact AS (
    SELECT k.contact_id, pg_catalog.sum(k.sessions) AS sessions, pg_catalog.sum(k.page_views) AS page_views,
           pg_catalog.sum(k.clicks) AS clicks
    FROM counts AS k WHERE k.contact_id <> '' GROUP BY 1
  )
  SELECT pg_catalog.jsonb_build_object(
    'userCode', code,
    'range', pg_catalog.jsonb_build_object('from', day_from, 'to', day_to, 'timezone', 'UTC'),
    'filters', pg_catalog.jsonb_build_object('shareCode', share, 'contactId', contact),
    'totals', pg_catalog.jsonb_build_object(
      'sessions', (SELECT coalesce(pg_catalog.sum(daily.sessions), 0) FROM daily),
      'pageViews', (SELECT coalesce(pg_catalog.sum(daily.page_views), 0) FROM daily),
      'clicks', (SELECT coalesce(pg_catalog.sum(daily.clicks), 0) FROM daily)),
    'daily', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                'day', daily.day, 'sessions', daily.sessions, 'pageViews', daily.page_views, 'clicks', daily.clicks)
                ORDER BY daily.day), '[]'::jsonb) FROM daily),
    'pageTypes', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                    'pageType', x.page_type, 'views', x.views, 'uniqueSessions', x.uniq)
                    ORDER BY x.views DESC, x.page_type), '[]'::jsonb)
                  FROM (SELECT pv.page_type, pg_catalog.sum(pv.views) AS views, pg_catalog.sum(pv.uniq) AS uniq
                        FROM pv GROUP BY 1) AS x),
    'clickCategories', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                          'category', x.click_category, 'clicks', x.clicks, 'uniqueSessions', x.uniq)
                          ORDER BY x.clicks DESC, x.click_category), '[]'::jsonb)
                        FROM (SELECT cc.click_category, pg_catalog.sum(cc.clicks) AS clicks, pg_catalog.sum(cc.uniq) AS uniq
                              FROM cc GROUP BY 1) AS x),
    'topClickTargets', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                          'target', x.click_target, 'category', x.click_category, 'clicks', x.clicks,
                          'uniqueSessions', x.uniq) ORDER BY x.clicks DESC, x.click_target), '[]'::jsonb)
                        FROM (SELECT ct.* FROM ct ORDER BY ct.clicks DESC, ct.click_target LIMIT top_targets) AS x),
    'shareCodes', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                     'shareCode', nullif(b.share_code, ''), 'sessions', b.sessions, 'pageViews', b.page_views,
                     'clicks', b.clicks) ORDER BY b.page_views DESC, b.share_code), '[]'::jsonb) FROM by_share AS b),
    'contacts', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                   'contactId', b.contact_id, 'sessions', b.sessions, 'pageViews', b.page_views,
                   'clicks', b.clicks) ORDER BY b.page_views DESC, b.contact_id), '[]'::jsonb) FROM by_contact AS b)
  ) INTO result;

  RETURN result;
END
$$;

REVOKE ALL ON FUNCTION public.get_analytics_dashboard(text, jsonb) FROM PUBLIC, anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION public.get_analytics_dashboard(text, jsonb) TO authenticated;
COMMENT ON FUNCTION public.get_analytics_dashboard(text, jsonb) IS
  'Owner dashboard (authenticated via Supabase RPC; only for codes the caller owns, else 42501/403). Reads rollups only; result shape in sql/README.md.';
