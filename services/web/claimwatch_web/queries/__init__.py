"""The read side: the database rows a page needs, turned into ``views``.

A handful of indexed queries per page (a story's placements, its articles, their claims, its
alerts), then plain Python to group them: stories are small next to what a query planner is
good at, and the grouping rules (what is a copy, which values a fact took, which number to
mark) are easier to read and test here than in SQL. One module per page.
"""

from claimwatch_web.queries.article import article_page, article_segments
from claimwatch_web.queries.stories import list_stories
from claimwatch_web.queries.story import story_page

__all__ = ["article_page", "article_segments", "list_stories", "story_page"]
