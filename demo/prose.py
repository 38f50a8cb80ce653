"""The prose of a report: sections in the national order, sentences drawn from small pools.

Figures quoted in the prose agree with the tables. Prose-only legacy statements say the few
figures a reader (and the prose parser) can take plainly; `legacy_prose` returns those values.
"""

from __future__ import annotations

from etl.fields import legacy_key, t3_key, t4_key

_OPEN = (
    "坚持以公开为常态、不公开为例外，",
    "认真贯彻落实《中华人民共和国政府信息公开条例》，",
    "紧紧围绕中心工作，",
    "按照上级关于政务公开工作的部署要求，",
)
_PLATFORM = ("门户网站", "政务新媒体", "政府信息公开专栏", "政务服务大厅公开栏")
_PROBLEMS = (
    "政策解读的形式还不够丰富",
    "依申请公开答复文书规范性有待提升",
    "公开内容的及时性还需加强",
    "工作人员业务能力有待提高",
    "基层政务公开标准化建设仍有差距",
)


def _who(agency: str) -> str:
    if agency.endswith("人民政府"):
        return "我" + ("省" if agency.startswith("示范省") else agency[-5:-4])
    return "我" + agency[-1]


def std_sections(
    agency: str, year: int, v: dict, rng, template: str
) -> list[tuple[str, list[str]]]:
    """[(heading, paragraphs)] for the six sections; tables go after headings 二、三、四."""
    who = _who(agency)
    new, cin = v.get(t3_key("new", "total"), 0), v.get(t3_key("carried_in", "total"), 0)
    done, cout = v.get(t3_key("processed", "total"), 0), v.get(t3_key("carried_out", "total"), 0)
    rv = v.get(t4_key("review", "total"), 0)
    suits = v.get(t4_key("suit_direct", "total"), 0) + v.get(
        t4_key("suit_after_review", "total"), 0
    )
    fee_rule = "国办公开办函〔2021〕30号" if template == "std2021" else "国办公开办函〔2019〕60号"
    intro = (
        f"本报告依据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（{fee_rule}）编制。报告所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"
        f"如对本报告有疑问，请与{agency}办公室联系。"
    )
    posts = rng.randint(80, 4000)
    s1 = [
        f"{year}年，{who}{rng.choice(_OPEN)}扎实推进政府信息公开工作，不断提升政务公开质量和实效。",
        f"（一）主动公开。全年通过{rng.choice(_PLATFORM)}主动公开政府信息{posts}条，"
        f"发布政策解读{rng.randint(1, 40)}篇。",
        f"（二）依申请公开。全年新收政府信息公开申请{new}件，上年结转{cin}件，办结{done}件，"
        f"结转下年度继续办理{cout}件。",
        "（三）政府信息管理。严格落实公开前保密审查和信息发布审核制度，及时清理过期失效信息。",
        f"（四）平台建设。持续优化{rng.choice(_PLATFORM)}栏目设置，提升信息检索和互动回应功能。",
        "（五）监督保障。将政务公开工作纳入年度绩效考核，定期开展业务培训和督促检查。",
    ]
    s4 = [f"全年发生政府信息公开行政复议{rv}件，行政诉讼{suits}件。"] if rng.random() < 0.5 else []
    p1, p2 = rng.sample(_PROBLEMS, 2)
    s5 = [
        f"{year}年，{who}政府信息公开工作取得一定成效，但仍存在一些不足：一是{p1}；二是{p2}。",
        f"下一步，{who}将针对上述问题，健全工作机制，加强业务培训，推动政务公开工作提质增效。",
    ]
    fee = rng.random()
    s6 = [
        "本年度未收取政府信息公开信息处理费。"
        if fee < 0.8
        else f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费{rng.randint(1, 9) * 100}元。",
        "无其他需要报告的事项。",
    ]
    return [
        ("", [intro]),
        ("一、总体情况", s1),
        ("二、主动公开政府信息情况", []),
        ("三、收到和处理政府信息公开申请情况", []),
        ("四、政府信息公开行政复议、行政诉讼情况", s4),
        ("五、存在的主要问题及改进情况", s5),
        ("六、其他需要报告的事项", s6),
    ]


def legacy_sections(agency: str, year: int, v: dict, rng, with_table: bool) -> tuple[list, dict]:
    """(sections, values stated in prose). With a table the prose states figures loosely."""
    who = _who(agency)
    L = lambda n: v[legacy_key(n)]  # noqa: E731
    stated: dict[str, float] = {}
    intro = (
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，特向社会公布{year}年度"
        f"{agency}政府信息公开工作年度报告。本报告所列数据的统计期限自{year}年1月1日起至"
        f"{year}年12月31日止。"
    )
    s1 = [
        f"{year}年，{who}{rng.choice(_OPEN)}进一步健全政府信息公开工作机制，明确专人负责信息发布和审核工作。"
    ]
    s2 = [
        f"全年主动公开政府信息{L('proactive_total')}条，其中通过{rng.choice(_PLATFORM)}公开的信息"
        f"占绝大多数。"
    ]
    stated[legacy_key("proactive_total")] = L("proactive_total")
    n = L("requests")
    if n == 0:
        s3 = ["本年度未收到政府信息公开申请。"]
    else:
        s3 = [f"全年共受理政府信息公开申请{n}件，均已依法予以答复。"]
    stated[legacy_key("requests")] = n
    s4 = ["依申请提供政府信息未收取任何费用。"]
    stated[legacy_key("fees_wan")] = 0
    rv, st = L("review_total"), L("suit_total")
    if rv == 0 and st == 0:
        s5 = ["本年度未发生因政府信息公开申请提起行政复议、行政诉讼的情况。"]
    else:
        s5 = [f"本年度因政府信息公开申请提起行政复议{rv}件，提起行政诉讼{st}件。"]
    stated[legacy_key("review_total")] = rv
    stated[legacy_key("suit_total")] = st
    p1, p2 = rng.sample(_PROBLEMS, 2)
    s6 = [f"{who}政府信息公开工作仍存在一些问题：一是{p1}；二是{p2}。下一步将认真研究解决。"]
    secs = [
        ("", [intro]),
        ("一、概述", s1),
        ("二、主动公开政府信息情况", s2),
        ("三、依申请公开政府信息情况", s3),
        ("四、政府信息公开的收费及减免情况", s4),
        ("五、因政府信息公开申请提起行政复议、行政诉讼的情况", s5),
        ("六、政府信息公开工作存在的主要问题及改进情况", s6),
    ]
    return secs, ({} if with_table else stated)
