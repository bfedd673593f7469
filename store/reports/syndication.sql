-- title: Syndication: the most copied stories
-- description: Stories with the most copies (stored articles sharing one text), by the day of their first copy, with the source that published first and how many sources and languages carried them.
-- param: since | date | stories first published from this day (YYYY-MM-DD); empty for all |
-- param: until | date | stories first published up to this day (YYYY-MM-DD); empty for all |
-- param: source | text | only stories this source published first (its name); empty for all |
-- param: language | text | only stories first published in this language; empty for all |
-- param: limit | int | at most this many stories | 20
SELECT top.story_id,
       a.title,
       s.name AS first_source,
       a.language AS first_language,
       a.published_at AS first_published_at,
       top.n_articles AS n_copies,
       top.n_sources,
       top.n_languages
FROM (SELECT sc.story_id, sc.first_article_id, sc.first_source_id, sc.n_articles, sc.n_sources, sc.n_languages
      FROM story_cell sc
      WHERE sc.first_day >= COALESCE(NULLIF(:since, ''), '0001-01-01')
        AND sc.first_day <= COALESCE(NULLIF(:until, ''), '9999-12-31')
        AND (COALESCE(:source, '') = ''
             OR sc.first_source_id IN (SELECT s2.id FROM source s2 WHERE s2.name = :source))
        AND (COALESCE(:language, '') = ''
             OR EXISTS (SELECT 1 FROM article x WHERE x.id = sc.first_article_id AND x.language = :language))
        AND sc.n_articles > 1
      ORDER BY sc.n_articles DESC, sc.story_id
      LIMIT CAST(COALESCE(NULLIF(:limit, ''), '20') AS INTEGER)) top
JOIN article a ON a.id = top.first_article_id
JOIN source s ON s.id = top.first_source_id
ORDER BY top.n_articles DESC, top.story_id
