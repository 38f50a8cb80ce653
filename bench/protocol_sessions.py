"""Protocol sessions: readers whose browsers run on their own PCs, as the server sees them.

A protocol session is a Streamlit browser session as far as `gongkai serve` can tell, without
rendering: one websocket to /_stcore/stream (subprotocol "streamlit", same origin), whose
BackMsg `rerun_script` carries what the frontend sends for a page open (page hash and url path,
query string, time zone, locale), a widget change (its new value, with its fragment's id when it
lives in one: only the fragment reruns) or a link click (the page_link's page and query), and the
hashes of the large elements it holds (the server then sends references, as to a browser). A
step is timed from the rerun sent to its `script_finished` received, every ForwardMsg read and
parsed: the server's whole answer (script run, queries, serialised deltas), none of the
rendering a reader's own PC does. Not measured: the browsers' CPU and paint (bench/sessions.py
with its Chromium session; bench/browser_views.py one page at a time).

The paths are bench/sessions.py's: the leader's (排名总览 opened → a peer group picked in the
sidebar → the first unit of its summary opened) and the analyst's (单位画像 opened → its 原文 tab
→ a number picked → 数据质量, 整改跟踪, 复议诉讼 and 导出 from the sidebar), THINK seconds of
reading before every click. Run by bench/sessions.py (--protocol, --mixed) in a process of its
own (`python bench/protocol_sessions.py --url URL --n N`, until its stdin closes: its CPU apart
from the server's and the browser's); it prints the step times as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# A reader looks at a view before the next click: the ranking's summary boxes, a profile's
# figures or a table take a few seconds to read; 3-8 s is a brisk reader (bench/sessions.py
# --think). Shorter pauses load the server more than an office's readers would.
THINK = (3.0, 8.0)
STEP_TIMEOUT = 60.0
FINISHED = {"FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"}
LEADER = ("排名总览 · 打开", "排名总览 · 选对标组", "排名总览 → 单位画像")
ANALYST = (
    "单位画像 · 打开",
    "单位画像 · 原文页签",
    "单位画像 · 选一个数值（原文单元格）",
    "侧栏 → 数据质量",
    "侧栏 → 整改跟踪",
    "侧栏 → 复议诉讼",
    "侧栏 → 导出",
)


class Stopped(Exception):
    """The run is over: the reader leaves in the middle of its path."""


@dataclass
class Widget:
    id: str
    kind: str  # "selectbox" or "button_group"
    label: str
    options: list[str]
    fragment_id: str


@dataclass
class Run:
    """What one step's script run sent: its status, the elements by kind, the text shown."""

    seconds: float = 0.0
    status: str = ""
    kinds: dict[str, int] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (page, hash, query)
    widgets: list[Widget] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # exception elements, page not found
    refs: int = 0  # elements sent as a reference to one this reader holds


class Visit:
    """One reader's session on the server: one websocket, many script runs."""

    def __init__(self, base: str, ws) -> None:
        self.base, self.ws = base, ws
        self.pages: dict[str, str] = {}  # url path -> page script hash (from `navigation`)
        self.page = ""  # url path of the page shown
        self.query = ""  # the URL's query string, as page_info_changed left it
        self.held: dict[str, ForwardMsg] = {}  # cacheable elements received, by hash
        self.turn = 0  # paths walked: each walk picks another group and another number

    async def open(self, page: str, query: str = "") -> Run:
        """A page opened from the address bar or the sidebar (url path; "" = the default)."""
        return await self.rerun(page, query)

    async def follow(self, link: tuple[str, str, str]) -> Run:
        page, page_hash, query = link
        return await self.rerun(page, query, page_hash=page_hash)

    async def change(self, widget: Widget, value: str) -> Run:
        """A pick in a selectbox or a click on a segmented control's option."""
        state = WidgetState(id=widget.id)
        if widget.kind == "button_group":
            state.string_array_value.data.append(value)
        else:
            state.string_value = value
        return await self.rerun(self.page, self.query, [state], widget.fragment_id)

    async def rerun(self, page, query, widgets=(), fragment_id="", page_hash="") -> Run:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string, rs.page_name, rs.fragment_id = query, page, fragment_id
        rs.page_script_hash = page_hash or self.pages.get(page, "")
        rs.widget_states.widgets.extend(widgets)
        rs.cached_message_hashes.extend(self.held)
        rs.context_info.timezone, rs.context_info.locale = "Asia/Shanghai", "zh-CN"
        rs.context_info.url = f"{self.base}/{page}" + (f"?{query}" if query else "")
        self.page, run, t0 = page, Run(), time.monotonic()
        await self.ws.send(msg.SerializeToString())
        while not run.status:
            data = await asyncio.wait_for(self.ws.recv(), STEP_TIMEOUT)
            self._read(ForwardMsg.FromString(data), run)
        run.seconds = time.monotonic() - t0
        return run

    def _read(self, fm: ForwardMsg, run: Run) -> None:
        kind = fm.WhichOneof("type")
        if kind == "ref_hash":  # an element this reader already holds
            fm, kind = self.held[fm.ref_hash], "delta"
            run.refs += 1
        if kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query = fm.page_info_changed.query_string
        elif kind == "page_not_found":
            run.errors.append(f"page not found: {fm.page_not_found.page_name}")
        elif kind == "script_finished":
            name = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
            if name != "FINISHED_EARLY_FOR_RERUN":  # the script asked for a new run: wait for it
                run.status = name
        elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            if fm.metadata.cacheable:
                self.held[fm.hash] = fm
            self._element(fm.delta.new_element, fm.delta.fragment_id, run)

    @staticmethod
    def _element(el, fragment_id: str, run: Run) -> None:
        kind = el.WhichOneof("type")
        run.kinds[kind] = run.kinds.get(kind, 0) + 1
        if kind in ("heading", "markdown", "alert", "text"):
            run.texts.append(getattr(el, kind).body)
        elif kind == "exception":
            run.errors.append(f"exception shown: {el.exception.type}: {el.exception.message}")
        elif kind == "page_link":
            pl = el.page_link
            run.links.append((pl.page, pl.page_script_hash, pl.query_string))
        elif kind == "selectbox":
            sb = el.selectbox
            run.widgets.append(Widget(sb.id, kind, sb.label, list(sb.options), fragment_id))
        elif kind == "button_group":
            bg = el.button_group
            opts = [o.content for o in bg.options]
            run.widgets.append(Widget(bg.id, kind, bg.label, opts, fragment_id))


async def connect(base: str):
    """The websocket as the frontend opens it (same origin; no XSRF token: no login here)."""
    host = base.split("://", 1)[1]
    return await websockets.connect(
        f"ws://{host}/_stcore/stream",
        subprotocols=["streamlit"],
        origin=base,
        max_size=None,
        open_timeout=STEP_TIMEOUT,
    )


def pick(run: Run, kind: str, label: str) -> Widget:
    """The last widget of that kind and label the run drew (the page's, after the sidebar's)."""
    found = [w for w in run.widgets if w.kind == kind and w.label == label]
    if not found:
        raise LookupError(f"no {kind} 「{label}」 in the run ({sorted(run.kinds)})")
    return found[-1]


def with_param(query: str, **params: str) -> str:
    return urlencode({**dict(parse_qsl(query)), **params})


async def leader_path(visit: Visit, pause):
    """(step name, Run) pairs of the leader's path; `pause` is awaited before every click."""
    first = await visit.open("ranking")
    yield LEADER[0], first
    await pause()
    peer = pick(first, "selectbox", "对标组")
    group = await visit.change(peer, peer.options[1 + visit.turn % (len(peer.options) - 1)])
    yield LEADER[1], group
    await pause()
    unit = next(link for link in group.links if link[0] == "profile")
    yield LEADER[2], await visit.follow(unit)


async def analyst_path(visit: Visit, pause):
    profile = await visit.open("profile")
    yield ANALYST[0], profile
    await pause()
    tabs = pick(profile, "button_group", "查看")
    source = await visit.change(tabs, "原文")
    yield ANALYST[1], source
    await pause()
    number = pick(source, "selectbox", "数值")
    yield (
        ANALYST[2],
        await visit.change(number, number.options[(2 + visit.turn) % len(number.options)]),
    )
    for name, page in zip(ANALYST[3:], ("quality", "rectification", "review", "export")):
        await pause()
        yield name, await visit.open(page)
    visit.turn += 1


async def reader(base, seed, think, stop: asyncio.Event, out: dict, errors: list) -> None:
    """One reader: both paths again and again until `stop`, reading THINK s between clicks."""
    rng = random.Random(seed)

    async def pause():
        try:  # a stop during the pause ends the reader at once
            await asyncio.wait_for(stop.wait(), rng.uniform(*think))
        except asyncio.TimeoutError:
            return
        raise Stopped

    try:
        await pause()  # readers come in one by one, not all in the same second
        async with await connect(base) as ws:
            visit = Visit(base, ws)
            while not stop.is_set():
                for path in (leader_path, analyst_path):
                    async for name, run in path(visit, pause):
                        out.setdefault(name, []).append(run.seconds)
                        errors.extend(f"reader {seed}, {name}: {e}" for e in run.errors)
                    await pause()
    except Stopped:
        pass
    except (OSError, LookupError, asyncio.TimeoutError, websockets.WebSocketException) as exc:
        errors.append(f"reader {seed}: {type(exc).__name__}: {str(exc)[:300]}")


async def readers(base, n, think, stop: asyncio.Event, max_seconds: float) -> dict:
    out: dict[str, list[float]] = {}
    errors: list[str] = []
    tasks = [asyncio.create_task(reader(base, i, think, stop, out, errors)) for i in range(n)]
    try:
        await asyncio.wait_for(stop.wait(), max_seconds)
    except asyncio.TimeoutError:
        stop.set()  # bounded: never longer than max_seconds
    await asyncio.wait(tasks, timeout=STEP_TIMEOUT + 5)
    return {"times": out, "errors": errors}


async def _until_stdin_closes(n, base, think, max_seconds) -> dict:
    stop, loop = asyncio.Event(), asyncio.get_running_loop()

    def wait_for_eof() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_eof, daemon=True).start()  # daemon: never waited for
    return await readers(base, n, think, stop, max_seconds)


class Clients:
    """N protocol sessions in a process of their own (its CPU apart from the caller's): they
    read until `stop()`, which returns their step times and errors."""

    def __init__(self, base: str, n: int, think=THINK, max_seconds: float = 1800.0) -> None:
        lo, hi = think
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--url", base, "--n", str(n), "--think", str(lo), str(hi)]
            + ["--max-seconds", str(max_seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.pid = self.proc.pid

    def stop(self) -> dict:
        try:  # closing its stdin says stop; the steps under way end first
            out, _ = self.proc.communicate(timeout=STEP_TIMEOUT + 30)
            return json.loads(out)
        except (subprocess.TimeoutExpired, ValueError) as exc:
            self.proc.kill()
            self.proc.wait()
            return {"times": {}, "errors": [f"protocol sessions: {type(exc).__name__}"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="the server, http://127.0.0.1:PORT")
    ap.add_argument("--n", type=int, required=True, help="protocol sessions")
    ap.add_argument("--think", type=float, nargs=2, default=THINK, metavar=("MIN", "MAX"))
    ap.add_argument("--max-seconds", type=float, default=1800.0)
    args = ap.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost:")):
        sys.exit("--url: a server on this machine (127.0.0.1) only")
    got = asyncio.run(_until_stdin_closes(args.n, args.url, args.think, args.max_seconds))
    print(json.dumps(got, ensure_ascii=False))


if __name__ == "__main__":
    main()
