"""Assessment of disclosure annual reports: metrics (defined once), a TOML weight scheme, scores.

API used by the dashboard and exports (all read-only over the database):
    METRICS: dict[str, Metric]
    metric_values(con, year, *, min_cases=5, peer_group=None) -> pl.DataFrame   (long)
    load_scheme(path) -> Scheme                     (raises SchemeError: file:line: problem. fix)
    score_year(con, year, scheme, peer_group=None) -> pl.DataFrame   (one row per agency)
    deductions(con, year, scheme, peer_group=None) -> pl.DataFrame   (why points were lost)
    indicator_scores(con, year, scheme, peer_group=None) -> pl.DataFrame   (agency × indicator)
    assess_year(con, year, scheme, peer_group=None) -> Assessment(scores, indicators, deductions)
`scheme` is a Scheme or a path to a TOML file.
"""

from assess.metric_sql import metric_values
from assess.metrics import METRICS, Metric
from assess.scheme import load_scheme
from assess.scheme_model import Indicator, Scheme, SchemeError
from assess.score import Assessment, assess_year, deductions, indicator_scores, score_year

__all__ = [
    "METRICS",
    "Metric",
    "metric_values",
    "Indicator",
    "Scheme",
    "SchemeError",
    "load_scheme",
    "Assessment",
    "assess_year",
    "deductions",
    "indicator_scores",
    "score_year",
]
