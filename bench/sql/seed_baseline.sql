-- BASELINE FOR BENCHMARKS ONLY, never shipped: the seed's ingest function
-- (/work/shared/seed/serverless-ingestion.md, Step 1) copied verbatim into its own
-- schema "seed_baseline" so it does not collide with ours. The only change is the
-- added `SET search_path = seed_baseline` line, so its unqualified table names resolve
-- there. The seed shows no table DDL: the tables below are the minimal ones its
-- statements need (primary keys only, the cheapest shape for it).
DROP SCHEMA IF EXISTS seed_baseline CASCADE;
CREATE SCHEMA seed_baseline;

CREATE TABLE seed_baseline.analytics_sessions (
  session_id text PRIMARY KEY,
  user_code text, share_code text, contact_id text,
  first_seen timestamptz, last_seen timestamptz,
  page_views integer NOT NULL DEFAULT 0, clicks integer NOT NULL DEFAULT 0,
  user_agent text, referrer text,
  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE seed_baseline.analytics_page_views (
  id bigserial PRIMARY KEY,
  session_id text, user_code text, share_code text, contact_id text, page_type text, viewed_at timestamptz
);
CREATE TABLE seed_baseline.analytics_clicks (
  id bigserial PRIMARY KEY,
  session_id text, user_code text, share_code text, contact_id text,
  click_target text, click_category text, clicked_at timestamptz
);

CREATE OR REPLACE FUNCTION seed_baseline.ingest_analytics_batch(
  events JSONB
)
RETURNS JSON
SECURITY DEFINER -- Runs with function owner's privileges (bypasses RLS)
SET search_path = seed_baseline  -- bench only: keeps the copy in its own schema
AS $$
DECLARE
  event JSONB;
  event_type TEXT;
  event_data JSONB;
  sessions_inserted INT := 0;
  page_views_inserted INT := 0;
  clicks_inserted INT := 0;
  session_ids_for_page_views TEXT[] := ARRAY[]::TEXT[];
  session_ids_for_clicks TEXT[] := ARRAY[]::TEXT[];
BEGIN
  -- Validate input
  IF events IS NULL OR jsonb_array_length(events) = 0 THEN
    RETURN json_build_object(
      'success', false,
      'error', 'No events provided'
    );
  END IF;

  -- Process each event
  FOR event IN SELECT * FROM jsonb_array_elements(events)
  LOOP
    event_type := event->>'type';
    event_data := event->'data';

    -- Handle session events
    IF event_type = 'session' THEN
      INSERT INTO analytics_sessions (
        session_id,
        user_code,
        share_code,
        contact_id,
        first_seen,
        last_seen,
        page_views,
        clicks,
        user_agent,
        referrer
      ) VALUES (
        event_data->>'sessionId',
        event_data->>'userCode',
        event_data->>'shareCode',
        event_data->>'contactId',
        TO_TIMESTAMP((event_data->>'timestamp')::BIGINT / 1000.0),
        TO_TIMESTAMP((event_data->>'timestamp')::BIGINT / 1000.0),
        0,
        0,
        event_data->>'userAgent',
        event_data->>'referrer'
      )
      ON CONFLICT (session_id) 
      DO UPDATE SET
        last_seen = GREATEST(analytics_sessions.last_seen, EXCLUDED.last_seen),
        updated_at = NOW();
      
      sessions_inserted := sessions_inserted + 1;

    -- Handle page view events
    ELSIF event_type = 'page_view' THEN
      INSERT INTO analytics_page_views (
        session_id,
        user_code,
        share_code,
        contact_id,
        page_type,
        viewed_at
      ) VALUES (
        event_data->>'sessionId',
        event_data->>'userCode',
        event_data->>'shareCode',
        event_data->>'contactId',
        event_data->>'pageType',
        TO_TIMESTAMP((event_data->>'timestamp')::BIGINT / 1000.0)
      );
      
      page_views_inserted := page_views_inserted + 1;
      session_ids_for_page_views := array_append(
        session_ids_for_page_views, 
        event_data->>'sessionId'
      );

    -- Handle click events
    ELSIF event_type = 'click' THEN
      INSERT INTO analytics_clicks (
        session_id,
        user_code,
        share_code,
        contact_id,
        click_target,
        click_category,
        clicked_at
      ) VALUES (
        event_data->>'sessionId',
        event_data->>'userCode',
        event_data->>'shareCode',
        event_data->>'contactId',
        event_data->>'clickTarget',
        event_data->>'clickCategory',
        TO_TIMESTAMP((event_data->>'timestamp')::BIGINT / 1000.0)
      );
      
      clicks_inserted := clicks_inserted + 1;
      session_ids_for_clicks := array_append(
        session_ids_for_clicks, 
        event_data->>'sessionId'
      );
    END IF;
  END LOOP;

  -- Update session counters for page views
  IF array_length(session_ids_for_page_views, 1) > 0 THEN
    UPDATE analytics_sessions
    SET 
      page_views = page_views + 1,
      last_seen = NOW(),
      updated_at = NOW()
    WHERE session_id = ANY(session_ids_for_page_views);
  END IF;

  -- Update session counters for clicks
  IF array_length(session_ids_for_clicks, 1) > 0 THEN
    UPDATE analytics_sessions
    SET 
      clicks = clicks + 1,
      last_seen = NOW(),
      updated_at = NOW()
    WHERE session_id = ANY(session_ids_for_clicks);
  END IF;

  -- Return success
  RETURN json_build_object(
    'success', true,
    'processed', jsonb_array_length(events),
    'sessions_inserted', sessions_inserted,
    'page_views_inserted', page_views_inserted,
    'clicks_inserted', clicks_inserted
  );

EXCEPTION
  WHEN OTHERS THEN
    RETURN json_build_object(
      'success', false,
      'error', SQLERRM
    );
END;
$$ LANGUAGE plpgsql;

GRANT USAGE ON SCHEMA seed_baseline TO anon;
GRANT EXECUTE ON FUNCTION seed_baseline.ingest_analytics_batch(jsonb) TO anon;
