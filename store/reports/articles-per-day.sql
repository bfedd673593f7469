-- title: Articles per day
-- description: Relevant articles stored per publication day (UTC), with how many sources and languages carried them.
-- param: since | date | earliest day to include (YYYY-MM-DD) | 0001-01-01
-- param: until | date | last day to include (YYYY-MM-DD) | 9999-12-31
-- param: source | text | only this source's articles (its name); empty for all |
-- param: language | text | only articles in this language (ISO 639-1); empty for all |
SELECT a.published_day AS day,
       COUNT(*) AS n_articles,
       COUNT(DISTINCT a.source_id) AS n_sources,
       COUNT(DISTINCT a.language) AS n_languages
FROM article a
JOIN source s ON s.id = a.source_id
WHERE a.published_day >= :since
  AND a.published_day <= :until
  AND (:source = '' OR s.name = :source)
  AND (:language = '' OR a.language = :language)
GROUP BY a.published_day
ORDER BY a.published_day
