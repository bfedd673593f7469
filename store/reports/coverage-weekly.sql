-- title: Coverage per ISO week by event type
-- description: Relevant articles per ISO 8601 week of publication (UTC, e.g. 2025-W25) and event type (empty: no event), with the stories and events whose first copy appeared that week, and how many sources and languages carried them. The latest weeks when --limit cuts.
-- param: since | date | first day (YYYY-MM-DD); empty for all |
-- param: until | date | last day (YYYY-MM-DD); empty for all |
-- param: event_type | text | only this event type; empty for all |
-- param: source | text | only this source (its name); empty for all |
-- param: language | text | only this language (ISO 639-1); empty for all |
-- param: limit | int | at most this many rows | 1000
SELECT week, event_type, n_articles, n_new_stories, n_new_events, n_sources, n_languages
FROM (SELECT c.week,
             NULLIF(c.event_type, '') AS event_type,
             c.event_type AS type_key,
             SUM(c.n_articles) AS n_articles,
             SUM(c.n_new_stories) AS n_new_stories,
             SUM(c.n_new_events) AS n_new_events,
             COUNT(DISTINCT c.source_id) AS n_sources,
             COUNT(DISTINCT NULLIF(c.language, '')) AS n_languages
      FROM coverage_cell c
      WHERE c.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
        AND c.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
        AND (COALESCE(:event_type, '') = '' OR c.event_type = :event_type)
        AND (COALESCE(:language, '') = '' OR c.language = :language)
        AND (COALESCE(:source, '') = '' OR c.source_id IN (SELECT s.id FROM source s WHERE s.name = :source))
      GROUP BY c.week, c.event_type
      ORDER BY c.week DESC, c.event_type
      LIMIT CAST(COALESCE(NULLIF(:limit, ''), '1000') AS INTEGER)) t
ORDER BY week, type_key
