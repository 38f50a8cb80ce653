"""假设分析 on 排名总览: weights kept at 100, moved units shown old → new, the weights in the URL
(?w=id:weight,…), saved as a new scheme file on request, and the variant exported."""

from __future__ import annotations

import polars as pl
import streamlit as st

import queries
from dashboard import data, scheme_file
from dashboard.safe_text import md
from dashboard.views import widgets
from queries import labels


def _url_weights(known: dict[str, float]) -> dict[str, float]:
    """?w=completion:20,corrected:15 -> {id: weight} for known indicators (others are ignored)."""
    out = {}
    for part in (st.query_params.get("w") or "").split(","):
        ident, _, w = part.partition(":")
        try:
            if ident in known and 0 <= float(w) <= 100:
                out[ident] = float(w)
        except ValueError:
            continue
    return out


def _write_url(base: dict[str, float]) -> None:
    changed = {
        k: st.session_state[f"w_{k}"] for k in base if st.session_state.get(f"w_{k}") != base[k]
    }
    if changed:
        st.query_params["w"] = ",".join(f"{k}:{w:g}" for k, w in changed.items())
    else:
        st.query_params.pop("w", None)


def _to_100(base: dict[str, float]) -> None:
    """Scale the sliders to a total of 100 in whole points (largest remainders)."""
    now = {k: float(st.session_state[f"w_{k}"]) for k in base}
    total = sum(now.values())
    if total <= 0:
        scaled = dict(base)
    else:
        exact = {k: 100 * w / total for k, w in now.items()}
        scaled = {k: float(int(x)) for k, x in exact.items()}
        for k in sorted(exact, key=lambda k: exact[k] - scaled[k], reverse=True)[
            : int(100 - sum(scaled.values()))
        ]:
            scaled[k] += 1
    for k, w in scaled.items():
        st.session_state[f"w_{k}"] = w
    _write_url(base)


def _reset(base: dict[str, float]) -> None:
    for k, w in base.items():
        st.session_state[f"w_{k}"] = w
    st.query_params.pop("w", None)


def panel(v: int, year: int, peer: str | None, scheme, path: str, base_rank: pl.DataFrame) -> None:
    weighted = [i for i in scheme.indicators if i.weighted]
    base = {i.id: float(i.weight) for i in weighted}
    from_url = _url_weights(base)
    for k, w in base.items():
        if f"w_{k}" not in st.session_state or k in from_url:
            st.session_state[f"w_{k}"] = from_url.get(k, w)
    st.caption("调整各指标权重，即时重新排名；只影响本页，不修改方案文件。权重合计须为 100。")
    cols = st.columns(4)
    for n, ind in enumerate(weighted):
        cols[n % 4].slider(
            md(ind.name),
            0.0,
            100.0,
            step=1.0,
            key=f"w_{ind.id}",
            on_change=_write_url,
            args=(base,),
            help=f"方案中为 {ind.weight:g} 分。{labels.metric_help(ind.metric or ind.id)}",
        )
    chosen = {k: float(st.session_state[f"w_{k}"]) for k in base}
    total = sum(chosen.values())
    a, b, c = st.columns([2, 1, 1])
    a.metric(
        "权重合计",
        f"{total:g} 分",
        None if total == 100 else f"{total - 100:+g} 分",
        delta_color="off",
        border=True,
    )
    b.button(
        "按比例调整为 100",
        on_click=_to_100,
        args=(base,),
        disabled=total == 100,
        key="whatif_to_100",
    )
    c.button(
        "恢复方案权重", on_click=_reset, args=(base,), disabled=chosen == base, key="whatif_reset"
    )
    if total != 100:
        st.warning(
            f"权重合计为 {total:g} 分，须为 100 分才能计算；请调整，或点“按比例调整为 100”。"
        )
        return
    if chosen == base:
        st.info("当前权重与方案相同。拖动滑块查看排名如何变化。")
        return
    weights = tuple(sorted(chosen.items()))
    try:
        alt = data.ranking(v, year, path, peer, weights)
    except (data.AssessUnavailable, KeyError, ValueError) as exc:
        st.error(f"无法按这组权重计算：{md(exc)}")
        return
    cmp = queries.compare_rankings(base_rank, alt).with_columns(
        pl.format("{} → {}", pl.col("base_rank"), pl.col("rank")).alias("moved")
    )
    moved = cmp.filter(pl.col("whatif_change").fill_null(0) != 0)
    st.markdown(f"**名次变动的单位：{moved.height} 家**（黄色底为名次有变动）")
    shown = cmp.select(
        "peer_group", "agency_name", "moved", "whatif_change", "base_score", "score", "flag"
    )
    widgets.table(shown, key="whatif_table", highlight="whatif_change")
    _save(path, scheme, chosen)
    _export(v, year, peer, path, weights)


def _save(path: str, scheme, chosen: dict[str, float]) -> None:
    with st.form("save_scheme", border=True):
        st.markdown("**另存为新方案**（写入 data/schemes/，保存后可在“考核方案”中选用）")
        name = st.text_input(
            "新方案名称", placeholder=f"例如：{scheme.name}（调整权重）", key="new_scheme_name"
        )
        if st.form_submit_button("另存为方案"):
            try:
                saved = scheme_file.save_variant(path, data.schemes_dir(), name, chosen)
            except scheme_file.SaveError as exc:
                st.error(md(exc))  # it may quote the name typed
            else:
                data.scheme_names.clear()
                st.success(
                    f"已保存为新方案“{md(name.strip())}”（文件 {md(saved.name)}），"
                    "可在上方“考核方案”中选用。"
                )


def _export(v: int, year: int, peer: str | None, path: str, weights: tuple) -> None:
    from exports.formats import export_file_name  # `exports` costs ~0.3 s: only with the button

    try:
        builders = data.export_builders(v, year, path, peer, weights)
    except data.AssessUnavailable as exc:
        st.error(f"无法导出：{md(exc)}")
        return
    st.download_button(
        "下载调整后的考核表（Excel）",
        builders["xlsx"],
        key="whatif_xlsx",
        on_click="ignore",
        file_name=export_file_name(year, peer, "xlsx", what_if=True),
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
