-- title: Language share per week
-- description: Per ISO week, relevant articles in each language and that language's share of the week's coverage (empty language: not identified). The latest weeks when --limit cuts.
-- param: since | date | first day (YYYY-MM-DD); empty for all |
-- param: until | date | last day (YYYY-MM-DD); empty for all |
-- param: event_type | text | only articles about this event type; empty for all |
-- param: source | text | only this source (its name); empty for all |
-- param: limit | int | at most this many rows | 2000
WITH cells AS (
    SELECT c.week, c.language, c.n_articles
    FROM coverage_cell c
    WHERE c.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
      AND c.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
      AND (COALESCE(:event_type, '') = '' OR c.event_type = :event_type)
      AND (COALESCE(:source, '') = '' OR c.source_id IN (SELECT s.id FROM source s WHERE s.name = :source))
),
weekly AS (
    SELECT week, language, SUM(n_articles) AS n_articles FROM cells GROUP BY week, language
),
totals AS (
    SELECT week, SUM(n_articles) AS total FROM weekly GROUP BY week
)
SELECT week, language, n_articles, share
FROM (SELECT w.week, w.language, w.n_articles, 1.0 * w.n_articles / t.total AS share
      FROM weekly w JOIN totals t ON t.week = w.week
      ORDER BY w.week DESC, w.language
      LIMIT CAST(COALESCE(NULLIF(:limit, ''), '2000') AS INTEGER)) x
ORDER BY week, language
