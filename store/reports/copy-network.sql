-- title: Syndication: who copies whom
-- description: For each pair of outlets, how many copies the second published of stories the first published first (a wire and its clients, typically), and the average delay in hours. Same-source pairs are republications and updates.
-- param: since | date | copies published from this day (YYYY-MM-DD); empty for all |
-- param: until | date | copies published up to this day (YYYY-MM-DD); empty for all |
-- param: source | text | only copies of this original source (its name); empty for all |
-- param: limit | int | at most this many pairs | 50
SELECT o.name AS original_source,
       c.name AS copying_source,
       SUM(cc.n_copies) AS n_copies,
       SUM(cc.delay_hours) / SUM(cc.n_copies) AS avg_delay_hours
FROM copy_cell cc
JOIN source o ON o.id = cc.original_source_id
JOIN source c ON c.id = cc.copy_source_id
WHERE cc.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
  AND cc.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
  AND (COALESCE(:source, '') = '' OR o.name = :source)
GROUP BY cc.original_source_id, cc.copy_source_id, o.name, c.name
ORDER BY SUM(cc.n_copies) DESC, cc.original_source_id, cc.copy_source_id
LIMIT CAST(COALESCE(NULLIF(:limit, ''), '50') AS INTEGER)
