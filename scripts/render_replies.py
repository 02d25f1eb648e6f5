"""Render typical Telegram replies at phone width into PNGs, to look at them.

    .venv/bin/python scripts/render_replies.py [OUT_DIR]   (default /tmp/replies)

Runs the real conversation core (the real knowledge, the hashing embedder: no model to
load) for two amount answers, an expired-policy answer, a plain clause answer, an overview
question (and one leaving out an expired award), the full /estimate result and its
unfolded rest, interview questions with their progress, one after ⬅ 上一步, a typed answer
written into its question, the review, a clause opened with 查看原文, /policies, and the
/subscribe confirmation with its 查看完整估算, a greeting, a suggestion, an answer saying what
the documents do not state, a follow-up and an estimate over two years, groups counted
part by part, recipients named one by one and an applicant outside the city, a bottom
line on a policy no longer in force and a total summed question by question, the month
asked of an event dated by its year alone, a supposition left out, the leader asked
of a joint build, a rough count said, a terse message and a dictated one; wraps each
reply's Telegram HTML in a page that mimics a chat bubble with its inline keyboard, and
screenshots it with headless chromium at 390 px.  Writes
``<name>.html`` and ``<name>.png`` per reply.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.conversation.core import Conversation, Who  # noqa: E402
from bot.conversation.reply import Outcome, Reply  # noqa: E402
from bot.conversation.store import SQLiteStore  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTH = 390

PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width={width}">
<style>
 body {{ margin:0; background:#8fb88c; font: 15px/1.35 -apple-system, "Noto Sans CJK SC",
        "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif; }}
 .chat {{ padding: 10px 8px 16px; }}
 .title {{ color:#fff; font-size:13px; text-align:center; margin-bottom:8px; }}
 .bubble {{ background:#fff; border-radius:12px 12px 12px 4px; padding:7px 10px 8px;
           max-width: 340px; white-space: pre-wrap; word-wrap: break-word;
           box-shadow: 0 1px 1px rgba(0,0,0,.15); }}
 .bubble blockquote {{ margin: 4px 0; padding: 2px 8px; border-left: 3px solid #3390ec;
           background: #eef5fd; border-radius: 4px; white-space: pre-wrap; }}
 .bubble code {{ font-family: monospace; background:#f1f1f1; }}
 .meta {{ color:#8a8a8a; font-size:11px; text-align:right; margin-top:2px; }}
 .kb {{ max-width: 360px; margin-top: 3px; }}
 .row {{ display:flex; gap:3px; margin-top:3px; }}
 .btn {{ flex:1; background: rgba(50,80,50,.45); color:#fff; border-radius:8px;
        text-align:center; padding:8px 4px; font-size:14px; overflow:hidden;
        white-space:nowrap; text-overflow:ellipsis; }}
</style></head><body><div class="chat"><div class="title">{name}</div>{bubbles}</div>
</body></html>"""


def bubble(reply: Reply) -> str:
    body = re.sub(r"\n?<blockquote>", "<blockquote>", reply.html)
    body = re.sub(r"</blockquote>\n?", "</blockquote>", body)
    rows = "".join(
        '<div class="row">' + "".join(f'<div class="btn">{html.escape(b.label)}</div>'
                                      for b in row) + "</div>"
        for row in reply.buttons
    )
    keyboard = f'<div class="kb">{rows}</div>' if rows else ""
    return (f'<div class="bubble">{body}<div class="meta">{len(reply.html)} 字符</div></div>'
            f"{keyboard}")


def page(name: str, replies: list[Reply]) -> str:
    return PAGE.format(width=WIDTH, name=html.escape(name),
                       bubbles="<br>".join(bubble(r) for r in replies))


def _button(outcome: Outcome, text: str) -> str | None:
    for reply in reversed(outcome.replies):
        for row in reply.buttons:
            for b in row:
                if text in b.label:
                    return b.data
    return None


def typical_replies(conv: Conversation) -> dict[str, list[Reply]]:
    """The replies to look at, by file name."""
    out: dict[str, list[Reply]] = {}
    who = Who(1, 1)
    conv.set_as_of(who, "2020-06-01")
    out["1_amount_answer"] = conv.ask(who, "我们是高新企业，购买技术花了300万，能补多少？").replies
    conv.set_as_of(who, "")
    out["2_expired_answer"] = conv.ask(who, "我们是高新企业，购买技术花了300万，能补多少？").replies
    out["3_clause_answer"] = conv.ask(who, "科技企业孵化器有什么奖励政策？").replies
    out["3b_overview_question"] = conv.ask(who, "我们是企业，有哪些政策可以申请？").replies
    # an overview leaving out an award whose document expired (58号) says so
    out["3c_overview_with_lapsed_award"] = conv.ask(
        who, "我们是企业，去年经登记购买技术300万元，能享受哪些政策？").replies
    centre = conv.ask(who, "企业牵头建设市级技术创新中心能获得多少补助？")
    out["1b_centre_answer"] = centre.replies
    out["7_clause_view"] = conv.press(who, _button(centre, "查看原文1") or "").replies
    third = Who(3, 3)
    conv.set_as_of(third, "2020-06-01")
    asked = conv.text(third, "购买技术能补多少？")
    conv.press(third, _button(asked, "☐ 企业") or "")
    amount = conv.press(third, _button(asked, "选好了") or "")
    out["5a_question_with_progress"] = amount.replies[-1:]
    typed = conv.text(third, "300万")
    # the question message once answered (Telegram rewrites it), then the review
    out["5c_typed_answer_and_review"] = [Reply(typed.edit_html or ""), *typed.replies]
    back = Who(4, 4)
    started = conv.estimate(back)
    conv.press(back, _button(started, "☐ 企业") or "")
    second = conv.press(back, _button(started, "选好了") or "")
    returned = conv.press(back, _button(second, "上一步") or "")
    # the question left (rewritten, keyboard retired), then the earlier one, still ticked
    out["5d_interview_after_back"] = [Reply(returned.edit_html or ""), *returned.replies]
    other = Who(2, 2)
    outcome = conv.estimate(other)
    out["5_interview_question"] = outcome.replies[-1:]
    for _ in range(60):  # enterprise, the first option of every choice, a typed amount
        last = outcome.replies[-1] if outcome.replies else None
        if last is not None and "请核对" in last.html:
            out["5b_review"] = [last]
            outcome = conv.press(other, _button(outcome, "确认") or "")
            break
        data = (_button(outcome, "☐ 企业") or _button(outcome, "是")
                or _button(outcome, "跳过"))
        if data is None:
            break
        if data.split(":")[2] == "t":
            conv.press(other, data)
            data = _button(outcome, "选好了") or data
        pressed = conv.press(other, data)
        if not pressed.replies:
            pressed = conv.text(other, "300万")
        outcome = pressed
    out["4_estimate_result"] = outcome.replies
    unfold = _button(outcome, "展开")
    if unfold:
        out["4b_unfolded_rest"] = conv.press(other, unfold).replies
    out["6_policies"] = conv.policies(who)
    chat = Who(5, 5)  # the conversation issue: greeting, suggestion, not stated, follow-up
    out["9_greeting"] = conv.text(chat, "你好").replies
    out["9b_suggestion"] = conv.text(chat, "我们车间搞了个新产品小组，有啥扶持").replies
    out["9c_not_stated"] = conv.text(chat, "买技术的奖励什么时候到账").replies
    conv.text(chat, "企业牵头建设市级技术创新中心能获得多少补助？")
    out["9d_follow_up"] = conv.text(chat, "升到国家级以后呢？").replies
    out["9e_several_years"] = conv.text(
        chat, "我们公司2019年买技术花了300万，2020年又买了200万，合同都登记了，两年一共能拿多少？"
    ).replies
    # this session's readings: the ceiling asked, several recipients, the applicant assumed
    out["9f_ceiling"] = conv.text(Who(6, 6), "企业研发财政补助一家最多能给到多少").replies
    out["9g_recipients"] = conv.text(
        Who(7, 7), "我们园区5家科技服务公司2024年申报技术先进型服务企业，通过了4家，"
                   "一共能拿多少").replies
    out["9h_assumed_applicant"] = conv.text(
        Who(8, 8), "2020年买了一项专利技术花了90万，合同登记了，能奖多少").replies
    # this session's readings: groups counted part by part, recipients with their own
    # figures, an applicant outside the city
    out["9i_groups"] = conv.text(
        Who(9, 9), "2021年我们区认定的国际合作基地 国家级2家 省级3家 还有1家是市级的 "
                   "按政策市里奖励加一起多少").replies
    out["9j_recipients_named"] = conv.text(
        Who(10, 10), "我们集团三个子公司，2019年各自买技术合同都登记了：甲公司威海注册买了300万，"
                     "乙公司威海注册买了100万，丙公司烟台注册买了200万，几家加起来能拿多少").replies
    out["9k_outside"] = conv.text(
        Who(11, 11),
        "我们是烟台的公司，2020年从威海的高校买了技术，登记了两百万，能有多少奖励").replies
    out["9l_standing_title"] = conv.text(
        Who(12, 12), "2022年我们国家级孵化器里在孵企业一共升了13家高企，都在孵化期内，"
                     "孵化器能拿多少").replies
    out["9m_unread_part"] = conv.text(
        Who(13, 13), "我们市级孵化器2021年12家在孵企业升了高企，其中5家是软件企业，"
                     "能拿多少").replies
    out["9n_corrected_and_failed"] = conv.text(
        Who(14, 14), "今年我们区获批市级技术创新中心：企业牵头的有3家，哦不对，是2家；"
                     "另外申报国家级孵化器，材料交了还没批下来。市级一共补助多少").replies
    out["9o_at_their_most"] = conv.text(
        Who(15, 15), "我们是专利代理机构 2021年代理市内发明专利授权130件 2022年被认定为国家专利"
                     "运营试点 2022年首次认定高企 技术先进型服务企业还在等 顶格算一共多少").replies
    out["9p_participant"] = conv.text(
        Who(16, 16), "我们学校参与了一家企业牵头组建的市级技术创新中心 今年获批 "
                     "我们学校能拿多少").replies
    out["9q_year_asked"] = conv.text(
        Who(17, 17), "医院的市级临床医学研究中心2024年第一次绩效评价就通过了，今年第二次绩效"
                     "评价也过了，今年能拿多少？").replies
    out["9r_supposed_figure"] = conv.text(
        Who(18, 18), "我们是技术转移服务机构，2020年促成了4项成果在市内转化，成交额180万，说没到"
                     "门槛，要是当时做到260万，能补多少").replies
    conv.text(Who(19, 19), "我们集团19年牵头建了个市级技术创新中心，21年旗下孵化器被认定为国家级"
                           "科技企业孵化器，这两项市里加一起给多少")
    out["9s_title_taken_back"] = conv.text(
        Who(19, 19), "等下，孵化器国家级那个其实没批下来，只批了个山东省品牌孵化器，省里拨了50万"
    ).replies
    conv.text(Who(20, 20), "我们参与的那个市级技术创新中心批了，市里补多少")
    out["9t_facts_for_an_option"] = conv.text(Who(20, 20), "牵头的是山大威海").replies
    out["9u_groups_within"] = conv.text(
        Who(21, 21), "今年我们市有5家单位拿了技术市场奖励，其中3家拿的是省技术市场奖，2家是国家"
                     "技术市场奖，市里配套一共多少").replies
    conv.text(Who(22, 22), "我们2019年认定了技术先进型服务企业，能拿多少来着？")
    out["10a_renewal_not_paid"] = conv.text(Who(22, 22), "2022年复审又认定了，还给吗？").replies
    out["10b_party_asked"] = conv.text(
        Who(23, 23), "我们学校2019年把一项专利卖给了威海本地一家公司，合同200万，对方去登记了。"
                     "对方企业能拿多少？").replies
    out["10c_supposed_done"] = conv.text(
        Who(24, 24), "当时2020年我们买技术那份150万的合同没去登记，假如当时登记了，能拿多少？"
    ).replies
    conv.text(Who(25, 25), "我们众创空间被认定为山东省品牌众创空间了，市里配套多少")
    out["11a_one_answer_result"] = conv.text(Who(25, 25), "省里拨了60万").replies
    out["11b_incubatee_asks_for_incubator"] = conv.text(
        Who(26, 26), "我是一家在孵企业的老板，我们在一个市级孵化器里，入孵第二年，2022年升成了"
                     "高企。想问下孵化器那边能因为我们拿多少？").replies
    conv.text(Who(27, 27), "我们公司拿了技术市场奖励，市里配套多少")
    conv.text(Who(27, 27), "省里的，去年拿的")
    conv.text(Who(27, 27), "今年又拿了国家技术市场奖励，这次配套多少")
    out["11c_both_years_added"] = conv.text(Who(27, 27), "这两年一共多少").replies
    out["12a_seller_is_no_applicant"] = conv.text(
        Who(28, 28), "我们公司把一项技术卖给了烟台的一家企业，2020年签的，合同200万登记了，"
                     "我们能拿多少").replies
    out["12b_recipient_placed_elsewhere"] = conv.text(
        Who(29, 29), "2020年集团下面三家子公司都买了技术，合同都认定登记了：环翠区那家120万，"
                     "文登那家300万，还有一家在青岛的200万。三家一共能拿多少奖励？").replies
    conv.text(Who(30, 30), "我们厂2020年买了一项专利技术，合同登记了，技术交易额120万，能奖多少")
    out["12c_that_year_added"] = conv.text(
        Who(30, 30), "同一年我们又买了一项，交易额200万，也登记了，两项合计能拿多少").replies
    out["13a_groups_one_pointed_away"] = conv.text(
        Who(31, 31), "2024年我们这批评上技术转移示范机构的有3家，2家是省级、1家国家级，不过国家级"
                     "那家注册地在青岛，威海这边总共奖多少").replies
    conv.text(Who(32, 32), "我们医院的临床医学研究中心今年升级成省级了，能拿多少后补助")
    out["13b_another_request_refused"] = conv.text(Who(32, 32), "帮我写个科室的年终总结").replies
    conv.text(Who(33, 33), "我们是一家做检验检测的科技服务机构，2021年重新认定了高新技术企业，"
                           "同年还认定了技术先进型服务企业，加起来多少")
    out["13c_only_this_item"] = conv.text(
        Who(33, 33), "要是高企重新认定是今年的呢，这块能拿多少").replies
    out["14a_list_parts_by_position"] = conv.text(
        Who(34, 34), "2020年我们公司一共签了5份技术购买合同，分别是30万、45万、25万、20万和15万，"
                     "其中前三份去登记了，后面两份没登记。能拿多少奖励？").replies
    conv.text(Who(35, 35), "我们在经区运营的孵化器今年刚认定成国家级科技企业孵化器，市里给多少")
    out["14b_step_without_a_subject"] = conv.text(
        Who(35, 35), "过两年复审要是又通过了，还能再拿一回不").replies
    out["14c_part_of_a_total_asked"] = conv.text(
        Who(36, 36), "我们厂2020年买了3项技术共250万，两项登记了一项没登记，能奖多少").replies
    conv.text(Who(37, 37), "我们在经区运营的孵化器今年刚认定成国家级科技企业孵化器，"
                           "市里给奖励吗？给多少")
    conv.text(Who(37, 37), "过两年复审要是又通过了，还能再拿一回不")
    out["15a_no_longer_in_force"] = conv.text(
        Who(37, 37), "另外今年我们孵化器里有5家在孵企业升成高企了，这块还有钱吗").replies
    out["15b_total_summed_by_question"] = conv.text(Who(37, 37), "那今年总共能拿多少").replies
    out["16a_approximate_amount_asked"] = conv.text(
        Who(38, 38), "2019年我们促成3项高校成果在咱们市转化，合同成交额二百五十多万，"
                     "补助多少？").replies
    out["16b_answered_in_words"] = conv.text(
        Who(38, 38), "合同额是256万，我们是技术转移机构").replies
    out["16c_another_city_refused"] = conv.text(
        Who(39, 39), "烟台对国家级科技企业孵化器奖多少？").replies
    conv.text(Who(40, 40), "我们公司去年获得了技术市场奖励，市里配套多少？")
    out["17a_level_typed_alone"] = conv.text(Who(40, 40), "省里的").replies
    conv.text(Who(41, 41), "我们公司牵头建的市级技术创新中心今年列入试点了，市里补多少钱？")
    conv.text(Who(41, 41), "今年又认定成省级技术创新中心了，这个再给多少")
    out["17b_denial_told_in_the_thread"] = conv.text(
        Who(41, 41), "不对，省级那个其实还没批下来，只是报上去了，那现在一共能拿多少").replies
    out["17c_counted_firms_asked"] = conv.text(
        Who(42, 42), "我们是市级孵化器，2021年在孵企业里有8家升级成高新技术企业了，"
                     "这8家企业自己能从这里面分钱吗，每家多少").replies
    # the month asked of an event dated by its year in the year 107号 was repealed
    out["18a_month_asked"] = conv.text(
        Who(43, 43), "我们大学科技园2023年升级为国家大学科技园，能拿多少").replies
    # a supposition beside the real amount asked, left out and said so
    out["18b_supposition_left_out"] = conv.text(
        Who(44, 44), "我们是科技服务公司，2021年首次评上高企。如果当年也申请了技术先进型服务企业，"
                     "那还能多拿。不过我只想知道实际拿到的是多少？").replies
    # a joint build with no leader said: who leads asked, both awards shown
    out["19a_lead_asked"] = conv.text(
        Who(45, 45), "我们所和一家企业联合组建了市级技术创新中心 今年获批了 能拿多少").replies
    # a rough count (十几家) whose ends give one total, said so
    out["19b_rough_count_said"] = conv.text(
        Who(46, 46), "21年5月我们市级孵化器有十几家在孵企业升了高企，都在孵化期里，孵化器奖励多少"
    ).replies
    # a terse message (short forms, an arrow) and a dictated one (no commas at all)
    out["20a_terse_short_forms"] = conv.text(
        Who(47, 47), "国孵(我们运营) 2021年共9家在孵升高企, 其中2家入孵已满3年才升的 → 市里给多少?"
    ).replies
    out["20b_dictated_run"] = conv.text(
        Who(48, 48), "我们孵化器是市级的嗯二零二零年有七家在孵企业升成高新技术企业了不过里面有两家"
                     "是进来孵化都快四年了才升上去的其他五家都在三年以内这个升级的奖励能拿多少"
    ).replies
    from bot.telegram.alert_handlers import AlertCommands

    alerts = AlertCommands(conv)  # /subscribe after the interview, and its estimate button
    out["8_subscription_confirmation"] = alerts.subscribe(other)
    out["8b_subscription_estimate"] = alerts.estimate(other).replies
    return out


def screenshot(html_path: Path, png: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={profile}", f"--window-size={WIDTH},2000",
             f"--screenshot={png}", html_path.as_uri()],
            check=True, capture_output=True, timeout=120,
        )


def make_conversation(data_dir: Path) -> Conversation:
    from index.answering.engine import Engine
    from index.embedders import HashingEmbedder

    engine: Any = Engine(REPO / "knowledge", data_dir, embedder=HashingEmbedder())
    engine.warm_up()
    return Conversation(engine, SQLiteStore(data_dir / "state.sqlite3"))


def main(argv: list[str]) -> int:
    if len(argv) > 1 and argv[1].startswith("-"):
        print(__doc__)
        return 0 if argv[1] in ("-h", "--help") else 2
    out_dir = Path(argv[1]) if len(argv) > 1 else Path("/tmp/replies")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        conv = make_conversation(Path(data))
        for name, replies in typical_replies(conv).items():
            html_path = out_dir / f"{name}.html"
            html_path.write_text(page(name, replies), encoding="utf-8")
            screenshot(html_path, out_dir / f"{name}.png")
            print(f"{out_dir / name}.png  ({', '.join(str(len(r.html)) for r in replies)} 字符)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
