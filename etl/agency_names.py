"""The words that end an agency's name, declared once for detection and the registry.

A government is named X人民政府, X政府, X管理委员会/X管委会 (a development zone's committee) or, in a
report's own title, the bare place X; 公署 is the older 行政公署. Everything else that ends in
an office word (局, 委, 办 ...) is a department of some government.
"""

from __future__ import annotations

import re

GOVERNMENT_SUFFIXES = ("人民政府", "政府", "管理委员会", "管委会")
GOVERNMENT_NAME = re.compile(f"({'|'.join(GOVERNMENT_SUFFIXES)}|公署)$")
GOVERNMENT_SUFFIX = re.compile(f"({'|'.join(GOVERNMENT_SUFFIXES)})$")
# A bare place name ("沭阳县", "平潭综合实验区" is matched by the suffixes below as 区).
PLACE_ONLY = re.compile(r"^.{1,10}?(省|市|县|区|自治州|自治县|旗|盟)$")
# Any agency: a government, one of its offices, or a department (longest endings first).
AGENCY_SUFFIX = re.compile(
    r"(人民政府|政府办公室|政府办公厅|办公厅|办公室|委员会|管委会|管理委员会|实验区|局|厅|委|办|署|院"
    r"|中心|会|所|站|处|政府)$"
)
