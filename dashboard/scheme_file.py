"""Save a what-if variant as a new scheme file: the original TOML with new weights and name,
validated by assess.scheme.load_scheme before it is written (no streamlit here)."""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path

from etl.gongkai_error import GongkaiError


class SaveError(GongkaiError):
    """The variant cannot be saved; the message says why in Chinese."""


def variant_text(text: str, name: str, settings: dict[str, dict[str, float]]) -> str:
    """`text` (a scheme TOML) with `name` and the given settings ({indicator id: {"weight": w,
    "cap": c}}) replaced in place, comments kept."""
    lines = text.splitlines(keepends=True)
    out, current, top = [], None, True
    for line in lines:
        s = line.strip()
        if s.startswith("[[") or s.startswith("["):
            top = False
            current = None
        m = re.match(r'^id\s*=\s*"([^"]+)"', s)
        if m and not top:
            current = m.group(1)
        if top and re.match(r"^name\s*=", s):
            line = f"name = {_toml_string(name)}\n"
        else:
            key = re.match(r"^(\w+)\s*=", s)
            if current in settings and key and key.group(1) in settings[current]:
                comment = line[line.index("#") :].rstrip("\n") if "#" in line else ""
                value = round(settings[current][key.group(1)], 4)
                line = f"{key.group(1)} = {value:g}" + (f"  {comment}" if comment else "") + "\n"
        out.append(line)
    return "".join(out)


def _toml_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_variant(
    source: str | Path, folder: str | Path, name: str, weights: dict[str, float]
) -> Path:
    """Write the variant of the scheme file `source` into `folder` as a new file; returns its path.

    Raises SaveError when the name is empty or taken, or when the result does not load."""
    from assess.scheme import load_scheme

    name = name.strip()
    if not name:
        raise SaveError("请填写新方案的名称。")
    zero = [k for k, w in weights.items() if w <= 0]
    if zero:
        raise SaveError("方案中每个计分指标的权重都须大于 0；请把权重为 0 的指标调为正数后再保存。")
    if abs(sum(weights.values()) - 100) > 1e-9:
        raise SaveError(f"权重合计为 {sum(weights.values()):g}，须为 100 才能保存。")
    folder = Path(folder)
    for existing in folder.glob("*.toml"):
        try:
            if load_scheme(existing).name == name:
                raise SaveError(f"已有名为“{name}”的方案（{existing.name}），请换一个名称。")
        except SaveError:
            raise
        except GongkaiError:  # another scheme file that cannot be read: not a name taken
            pass
    scheme = load_scheme(source)
    settings: dict[str, dict[str, float]] = {}
    for ind in scheme.indicators:
        if ind.id in weights:
            settings[ind.id] = {"weight": weights[ind.id]}
            if (
                ind.kind == "deduction" and ind.cap is not None and ind.weight
            ):  # a cap is a share of the weight
                settings[ind.id]["cap"] = min(
                    ind.cap * weights[ind.id] / ind.weight, weights[ind.id]
                )
    text = variant_text(Path(source).read_text(encoding="utf-8"), name, settings)
    trial_text = text
    manual = re.search(r'^manual_inputs\s*=\s*"([^"]+)"', text, re.M)
    if manual:  # relative to the scheme file: the trial copy elsewhere points at the same file
        if Path(source).parent.resolve() != folder.resolve():
            raise SaveError("新方案须与原方案保存在同一文件夹（人工录入文件按相对路径引用）。")
        target = (Path(source).parent / manual.group(1)).resolve()
        trial_text = text.replace(manual.group(0), f"manual_inputs = {_toml_string(str(target))}")
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "variant.toml"
        trial.write_text(trial_text, encoding="utf-8")
        try:
            load_scheme(trial)
        except GongkaiError as exc:
            raise SaveError(f"新方案未通过校验：{exc}") from None
    out = folder / f"custom_{datetime.now():%Y%m%d_%H%M%S}.toml"
    n = 2
    while out.exists():
        out = folder / f"custom_{datetime.now():%Y%m%d_%H%M%S}_{n}.toml"
        n += 1
    out.write_text(text, encoding="utf-8")
    return out
