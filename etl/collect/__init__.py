"""`gongkai collect`: gather the agencies' 政府信息公开工作年度报告 from their portals.

For each site of sites.csv, walk its 年报 column (list pages and their pagination; from a
政府信息公开 page, first the link to the 年报 column), open each article whose title names an
annual report, save the article page and its attachments as found, and record a manifest row
per file (etl/collect/manifest.py). `gongkai load <out>` then takes the portal's 发布时间 as the
publication date and records the findings only the collector can see.

A discover stage: imports etl.* only, never assess/queries/exports/dashboard. This package
file stays empty so that `gongkai load` (which reads manifests through etl.collect.manifest)
never imports the HTTP client; the run itself is etl.collect.run.collect.
"""
