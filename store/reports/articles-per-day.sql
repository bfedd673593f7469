-- title: Articles per day
-- description: Relevant articles stored per publication day (UTC), with how many sources and languages carried them.
-- param: since | date | earliest day to include (YYYY-MM-DD); empty for all |
-- param: until | date | last day to include (YYYY-MM-DD); empty for all |
-- param: source | text | only this source's articles (its name); empty for all |
-- param: language | text | only articles in this language (ISO 639-1); empty for all |
SELECT c.day,
       SUM(c.n_articles) AS n_articles,
       COUNT(DISTINCT c.source_id) AS n_sources,
       COUNT(DISTINCT NULLIF(c.language, '')) AS n_languages
FROM coverage_cell c
WHERE c.day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
  AND c.day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
  AND (COALESCE(:source, '') = '' OR c.source_id IN (SELECT s.id FROM source s WHERE s.name = :source))
  AND (COALESCE(:language, '') = '' OR c.language = :language)
GROUP BY c.day
ORDER BY c.day
