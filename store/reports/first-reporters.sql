-- title: First reporters
-- description: For each event (newest first), every source that covered it, in the order it first published, with how many hours after the first source it did. Answers "who broke it, who followed, how late".
-- param: since | date | events dated from this day (YYYY-MM-DD); empty for all |
-- param: until | date | events dated up to this day (YYYY-MM-DD); empty for all |
-- param: event_type | text | only this event type; empty for all |
-- param: language | text | only articles in this language; empty for all |
-- param: limit | int | at most this many events | 20
WITH chosen AS (
    SELECT e.id, e.event_type, CAST(e.event_date AS VARCHAR(10)) AS event_date
    FROM event e
    WHERE CAST(e.event_date AS VARCHAR(10)) >= COALESCE(NULLIF(:since, ''), '0001-01-01')
      AND CAST(e.event_date AS VARCHAR(10)) <= COALESCE(NULLIF(:until, ''), '9999-12-31')
      AND (COALESCE(:event_type, '') = '' OR e.event_type = :event_type)
    ORDER BY e.event_date DESC, e.id DESC
    LIMIT CAST(COALESCE(NULLIF(:limit, ''), '20') AS INTEGER)
),
firsts AS (
    SELECT m.event_id, a.source_id, MIN(a.published_at) AS first_published_at, COUNT(*) AS n_articles
    FROM event_mention m
    JOIN article a ON a.story_id = m.story_id
    WHERE m.event_id IN (SELECT c.id FROM chosen c)
      AND (COALESCE(:language, '') = '' OR a.language = :language)
    GROUP BY m.event_id, a.source_id
),
ranked AS (
    SELECT f.*,
           RANK() OVER (PARTITION BY f.event_id ORDER BY f.first_published_at) AS rank,
           MIN(f.first_published_at) OVER (PARTITION BY f.event_id) AS event_first_at
    FROM firsts f
)
SELECT c.id AS event_id,
       c.event_type,
       c.event_date,
       r.rank,
       s.name AS source,
       r.first_published_at,
       HOURS_BETWEEN(r.event_first_at, r.first_published_at) AS delay_hours,
       r.n_articles
FROM chosen c
JOIN ranked r ON r.event_id = c.id
JOIN source s ON s.id = r.source_id
ORDER BY c.event_date DESC, c.id DESC, r.rank, r.source_id
