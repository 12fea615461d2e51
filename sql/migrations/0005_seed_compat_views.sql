-- Seed compatibility: the seed design's tables analytics_sessions, analytics_page_views
-- and analytics_clicks, as read-only views in the default schema over our tables in
-- schema analytics, so its "Testing" SQL (`SELECT * FROM analytics_sessions WHERE ...`)
-- and back-office queries written against the seed keep working. Safe to re-apply.
--
-- Who may read them: the table owner (e.g. the Supabase SQL editor, psql as postgres)
-- and service_role (the project's admin key, which may already read the tables). Not
-- anon, not authenticated: no grant at all, so PostgREST answers 401/403 for
-- /rest/v1/analytics_* (public is exposed). Why that holds even if a grant slips in:
-- security_invoker = true makes the caller's own privileges and RLS apply to the
-- underlying analytics.* tables, which anon/authenticated cannot read (no privilege,
-- RLS on, no policy). Nobody may write through them (only SELECT is granted).
-- Columns are the seed's, plus our event ids and receive times on the raw rows.

CREATE OR REPLACE VIEW public.analytics_sessions WITH (security_invoker = true) AS
  SELECT s.session_id, s.user_code, s.share_code, s.contact_id, s.first_seen, s.last_seen,
         s.page_views, s.clicks, s.user_agent, s.referrer, s.created_at, s.updated_at
  FROM analytics.sessions AS s;

CREATE OR REPLACE VIEW public.analytics_page_views WITH (security_invoker = true) AS
  SELECT p.event_id, p.session_id, p.user_code, p.share_code, p.contact_id, p.page_type, p.viewed_at,
         p.received_at
  FROM analytics.page_views AS p;

CREATE OR REPLACE VIEW public.analytics_clicks WITH (security_invoker = true) AS
  SELECT c.event_id, c.session_id, c.user_code, c.share_code, c.contact_id, c.click_target,
         c.click_category, c.clicked_at, c.received_at
  FROM analytics.clicks AS c;

-- Supabase's default privileges grant ALL on new relations in public to the API roles:
-- take that back, then allow reading to service_role only.
REVOKE ALL ON public.analytics_sessions, public.analytics_page_views, public.analytics_clicks
  FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT ON public.analytics_sessions, public.analytics_page_views, public.analytics_clicks TO service_role;

COMMENT ON VIEW public.analytics_sessions IS
  'Seed-compatible read-only view of analytics.sessions (security_invoker). Owner and service_role only.';
COMMENT ON VIEW public.analytics_page_views IS
  'Seed-compatible read-only view of analytics.page_views (security_invoker). Owner and service_role only.';
COMMENT ON VIEW public.analytics_clicks IS
  'Seed-compatible read-only view of analytics.clicks (security_invoker). Owner and service_role only.';
