-- title: Source activity per week
-- description: Per ISO week and source: relevant articles published, pages the crawls decided on (stored, duplicate or irrelevant) and the share of them that were relevant. The latest weeks when --limit cuts.
-- param: since | date | first day (YYYY-MM-DD); empty for all |
-- param: until | date | last day (YYYY-MM-DD); empty for all |
-- param: source | text | only this source (its name); empty for all |
-- param: limit | int | at most this many rows | 2000
SELECT week, source, n_articles, n_new_stories, n_decided, n_irrelevant, relevant_share
FROM (SELECT x.week,
             s.name AS source,
             x.source_id,
             SUM(x.n_articles) AS n_articles,
             SUM(x.n_new_stories) AS n_new_stories,
             SUM(x.n_decided) AS n_decided,
             SUM(x.n_irrelevant) AS n_irrelevant,
             CASE WHEN SUM(x.n_decided) > 0
                  THEN 1.0 * (SUM(x.n_decided) - SUM(x.n_irrelevant)) / SUM(x.n_decided) END AS relevant_share
      FROM (SELECT c.week, c.source_id, c.n_articles, c.n_new_stories, 0 AS n_decided, 0 AS n_irrelevant
            FROM coverage_cell c
            WHERE c.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
              AND c.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
            UNION ALL
            SELECT r.week, r.source_id, 0, 0, r.n_new + r.n_duplicates + r.n_irrelevant, r.n_irrelevant
            FROM run_cell r
            WHERE r.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
              AND r.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')) x
      JOIN source s ON s.id = x.source_id
      WHERE (COALESCE(:source, '') = '' OR s.name = :source)
      GROUP BY x.week, x.source_id, s.name
      ORDER BY x.week DESC, x.source_id
      LIMIT CAST(COALESCE(NULLIF(:limit, ''), '2000') AS INTEGER)) t
ORDER BY week, source_id
