"""The dashboard's pure query layer: `(con, *, params) -> polars.DataFrame`.

No streamlit here. SQL lives in module constants next to the function that runs it; values are
always bound parameters; the only identifiers spliced into SQL come from fixed dicts in
queries/labels.py (an unknown key raises). Every function works on an empty
`etl.schema.ensure_schema` database (tests/queries/test_queries.py proves it).
"""

from queries.agency_score import *  # noqa: F401,F403
from queries.base import *  # noqa: F401,F403
from queries.figures import *  # noqa: F401,F403
from queries.focus import *  # noqa: F401,F403
from queries.leader import *  # noqa: F401,F403
from queries.lists import *  # noqa: F401,F403
from queries.quality import *  # noqa: F401,F403
from queries.ranking import *  # noqa: F401,F403
from queries.review import *  # noqa: F401,F403
from queries.source import *  # noqa: F401,F403
from queries.timeliness import *  # noqa: F401,F403
