-- title: Ingest health per source
-- description: Per source over the window: runs, how they ended (ok, not modified, failed, interrupted), the failure and 304 rates, pages fetched, new and irrelevant, errors, and the last run's status and error. Sources with the most failures first.
-- param: since | date | runs started from this day (YYYY-MM-DD, UTC); empty for all |
-- param: until | date | runs started up to this day (YYYY-MM-DD, UTC); empty for all |
-- param: source | text | only this source (its name); empty for all |
-- param: limit | int | at most this many sources | 100
SELECT s.name AS source,
       SUM(r.n_runs) AS n_runs,
       SUM(r.n_ok) AS n_ok,
       SUM(r.n_not_modified) AS n_not_modified,
       SUM(r.n_failed) AS n_failed,
       SUM(r.n_interrupted) AS n_interrupted,
       1.0 * SUM(r.n_failed) / SUM(r.n_runs) AS failure_rate,
       1.0 * SUM(r.n_not_modified) / SUM(r.n_runs) AS not_modified_rate,
       SUM(r.n_fetched) AS n_fetched,
       SUM(r.n_new) AS n_new,
       SUM(r.n_irrelevant) AS n_irrelevant,
       SUM(r.n_errors) AS n_errors,
       last.started_at AS last_run_at,
       last.status AS last_status,
       last.error AS last_error
FROM run_cell r
JOIN source s ON s.id = r.source_id
LEFT JOIN ingest_run last ON last.id = (SELECT MAX(l.id) FROM ingest_run l WHERE l.source_id = s.id)
WHERE r.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
  AND r.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
  AND (COALESCE(:source, '') = '' OR s.name = :source)
GROUP BY r.source_id, s.name, last.started_at, last.status, last.error
ORDER BY SUM(r.n_failed) DESC, r.source_id
LIMIT CAST(COALESCE(NULLIF(:limit, ''), '100') AS INTEGER)
