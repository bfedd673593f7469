-- title: Event timeline
-- description: Events, newest first, with their first and last day of coverage, the day coverage peaked (the earliest such day on a tie), and their articles, stories, sources and languages. --source and --language count only that part of the coverage.
-- param: since | date | events dated from this day (YYYY-MM-DD); empty for all |
-- param: until | date | events dated up to this day (YYYY-MM-DD); empty for all |
-- param: event_type | text | only this event type; empty for all |
-- param: source | text | count only this source's articles; empty for all |
-- param: language | text | count only articles in this language; empty for all |
-- param: limit | int | at most this many events | 50
WITH chosen AS (
    SELECT e.id, e.event_type, CAST(e.event_date AS VARCHAR(10)) AS event_date, e.actors, e.location
    FROM event e
    WHERE CAST(e.event_date AS VARCHAR(10)) >= COALESCE(NULLIF(:since, ''), '0001-01-01')
      AND CAST(e.event_date AS VARCHAR(10)) <= COALESCE(NULLIF(:until, ''), '9999-12-31')
      AND (COALESCE(:event_type, '') = '' OR e.event_type = :event_type)
    ORDER BY e.event_date DESC, e.id DESC
    LIMIT CAST(COALESCE(NULLIF(:limit, ''), '50') AS INTEGER)
),
coverage AS (
    SELECT m.event_id, a.id AS article_id, a.story_id, a.source_id, a.language, a.published_day, a.title,
           a.published_at
    FROM chosen c
    JOIN event_mention m ON m.event_id = c.id
    JOIN article a ON a.story_id = m.story_id
    WHERE (COALESCE(:language, '') = '' OR a.language = :language)
      AND (COALESCE(:source, '') = '' OR a.source_id IN (SELECT s.id FROM source s WHERE s.name = :source))
),
per_day AS (
    SELECT event_id, published_day, COUNT(*) AS n FROM coverage GROUP BY event_id, published_day
),
peak AS (
    SELECT d.event_id, MIN(d.published_day) AS peak_day, MAX(d.n) AS peak_articles
    FROM per_day d
    WHERE d.n = (SELECT MAX(d2.n) FROM per_day d2 WHERE d2.event_id = d.event_id)
    GROUP BY d.event_id
)
SELECT c.id AS event_id,
       c.event_type,
       c.event_date,
       c.actors,
       c.location,
       (SELECT v.title FROM coverage v WHERE v.event_id = c.id
        ORDER BY v.published_at, v.article_id LIMIT 1) AS title,
       MIN(v.published_day) AS first_day,
       p.peak_day,
       p.peak_articles,
       MAX(v.published_day) AS last_day,
       COUNT(*) AS n_articles,
       COUNT(DISTINCT v.story_id) AS n_stories,
       COUNT(DISTINCT v.source_id) AS n_sources,
       COUNT(DISTINCT v.language) AS n_languages
FROM peak p
JOIN chosen c ON c.id = p.event_id
JOIN coverage v ON v.event_id = p.event_id
GROUP BY c.id, c.event_type, c.event_date, c.actors, c.location, p.peak_day, p.peak_articles
ORDER BY c.event_date DESC, c.id DESC
