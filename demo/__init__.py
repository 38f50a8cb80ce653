"""Demo corpus: source documents of the fictional 示范省 (演示数据) for the ETL to parse.

`generate(out, seed, n_agencies, years)` writes one report per (agency, year) in HTML, text
(UTF-8/GBK), the seed-004 pipe dump, Markdown, DOCX, PDF and XLSX, with the quirks real reports
have, and `manifest.json` with the values each file should yield.
"""

from demo.generate import MANIFEST, generate

__all__ = ["MANIFEST", "generate"]
