"""Page state in the URL: every picker reads its ?param= first and writes it back, so any view
can be sent as a link. A value in the URL that is not one of the options is reported in
Chinese (bad_params) and never replaced by another agency's or year's data silently.

Not Streamlit's bind="query-params": a bound widget leaves its default out of the URL, writes
labels rather than ids, and forbids setting the parameter from st.switch_page.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from dashboard.safe_text import echo, md

_BAD = "_url_bad"


def _sync(key: str, param: str, encode: Callable[[Any], str]) -> None:
    value = st.session_state.get(key)
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = encode(value)


def adopt(
    key: str,
    param: str,
    options: list,
    default,
    *,
    parse: Callable[[str], Any] = str,
    what: str = "",
    warn_now: bool = True,
    label: Callable[[Any], str] = str,
) -> None:
    """Before a widget keyed `key` is drawn: take ?param= when it names an option, else the
    widget's own value, else `default`. A URL value that is no option is noted for bad_params."""
    raw = st.query_params.get(param)
    if raw is not None:
        try:
            value = parse(raw)
        except (TypeError, ValueError):
            value = object()
        if value in options:
            st.session_state[key] = value
            return
        if warn_now:
            st.warning(
                f"链接中的{what or '参数'}“{echo(raw)}”无效，已改为显示“{md(label(default))}”。",
                icon="⚠️",
            )
        else:
            st.session_state.setdefault(_BAD, []).append((what or param, raw))
        st.query_params.pop(param, None)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def bad_params() -> list[tuple[str, str]]:
    """(what, raw value) of the URL parameters this run could not use; cleared when read."""
    return st.session_state.pop(_BAD, [])


def select(
    box,
    label: str,
    options: list,
    *,
    key: str,
    param: str,
    default=None,
    parse: Callable[[str], Any] = str,
    encode: Callable[[Any], str] = str,
    what: str = "",
    warn_now: bool = True,
    **kwargs,
):
    """st.selectbox bound to ?param= (ids in the URL, labels through format_func)."""
    if not options:
        return None
    adopt(
        key,
        param,
        options,
        options[0] if default not in options else default,
        parse=parse,
        what=what,
        warn_now=warn_now,
        label=kwargs.get("format_func", str),
    )
    value = box.selectbox(
        label,
        options,
        key=key,
        on_change=_sync,
        args=(key, param, encode),
        placeholder=kwargs.pop("placeholder", "请选择"),
        **kwargs,
    )
    _sync(key, param, encode)
    return value


def segmented(box, label: str, options: list, *, key: str, param: str, default=None, **kwargs):
    """st.segmented_control (tabs) bound to ?param=; never empty (a second click keeps the tab)."""
    adopt(
        key,
        param,
        options,
        default if default in options else options[0],
        what=label,
        label=kwargs.get("format_func", str),
    )
    value = box.segmented_control(
        label, options, key=key, on_change=_keep, args=(key, param, options), **kwargs
    )
    _sync(key, param, str)
    return value


def _keep(key: str, param: str, options: list) -> None:
    if st.session_state.get(key) is None:  # clicking the selected tab again unselects it
        st.session_state[key] = (
            st.query_params.get(param) if st.query_params.get(param) in options else options[0]
        )
    _sync(key, param, str)
