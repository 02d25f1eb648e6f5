"""What owners touch every day, through the real Application and the local Bot API server:
an interview that keeps its place, one instruction per question, example buttons that
restate their question, captions read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_api_server import Call
from harness import Running, with_bot
from recording import RecordingEngine

from bot.conversation.store import SQLiteStore


def _labels(call: Call) -> list[str]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


def test_back_keeps_the_choice_retires_the_question_left_and_counts_steadily(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = 61
        first = (await bot.say(chat, "/estimate"))[-1].params["text"]
        assert first.startswith("<b>问题 1</b>：")  # no total before the applicant type
        assert first.count("选好了") == 1 and first.count("可多选") == 1
        await bot.press(chat, "☐ 企业")
        second = (await bot.press(chat, "选好了"))[-1]
        total = second.params["text"].split("（2/")[1].split("）")[0]
        third = (await bot.press(chat, "跳过"))[-1]
        assert f"（3/{total}）" in third.params["text"]
        third_id = int(third.result["message_id"])
        mark = server.mark()
        again = (await bot.press(chat, "上一步"))[-1]
        assert f"（2/{total}）" in again.params["text"]
        # the question left says so, and its keyboard is gone
        left = server.messages[(chat, third_id)]
        assert "已返回上一步" in left["text"] and "reply_markup" not in left
        assert [c.method for c in server.calls[mark:] if "edit" in c.method] \
            == ["editMessageText"]
        again = (await bot.press(chat, "上一步"))[-1]
        assert f"（1/{total}）" in again.params["text"]
        assert "☑ 企业" in _labels(again)  # the earlier choice, ticked
        assert "已选：企业" in again.params["text"]
        await bot.press(chat, "选好了")
        for _ in range(20):
            sent = await bot.press(chat, "跳过")
            if "请核对" in sent[-1].params["text"]:
                break
            assert f"/{total}）" in sent[-1].params["text"]
        review = sent[-1]
        assert "修改第1项" in _labels(review)
        edit = (await bot.press(chat, "修改第1项"))[-1]
        assert "☑ 企业" in _labels(edit)  # changing an answer starts from it
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_subscription_shows_what_the_interview_said_and_its_estimate(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = 62
        await bot.say(chat, "/asof 2020-06-01")  # 威科字〔2018〕58号 in force
        await bot.say(chat, "/estimate")
        await bot.press(chat, "☐ 企业")
        sent = await bot.press(chat, "选好了")
        for _ in range(20):
            text = sent[-1].params["text"]
            if "请核对" in text:
                break
            if "技术交易额" in text:
                sent = await bot.say(chat, "250万")
            elif "可多选" in text:
                sent = await bot.press(chat, "选好了")  # none of them
            else:
                sent = await bot.press(chat, "跳过")
        assert "250万元" in sent[-1].params["text"]
        await bot.press(chat, "确认")
        shown = (await bot.say(chat, "/subscribe"))[-1].params["text"]
        assert "经登记的年度技术交易额：250万元" in shown and "2500000" not in shown
        assert "创新平台认定：无" in shown
        fields = [line for line in shown.splitlines() if line.startswith("•")]
        assert not [line for line in fields if line.endswith("：")]  # no empty field
        assert shown.index("申报主体类型") < shown.index("创新平台认定") \
            < shown.index("经登记的年度技术交易额")  # the interview's order
        estimate = (await bot.press(chat, "查看完整估算"))[-1]
        text = estimate.params["text"]
        assert "问题 1" not in text  # no new interview: the estimate itself
        assert "250万元 × 20% = 50万元" in text and "按订阅保存的信息估算" in text
        labels = _labels(estimate)
        if "补充信息" in text:
            assert "补充信息后估算" in labels
            asked = (await bot.press(chat, "补充信息后估算"))[-1].params["text"]
            assert "问题" in asked and "贵单位属于哪类主体" not in asked
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_validity_note_once_per_document_and_lapsed_awards_said(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = 63
        await bot.say(chat, "/asof 2022-06-01")  # 107号 is repealed from 2023-04-07
        html = (await bot.say(chat, "科技服务业有哪些支持政策？"))[0].params["text"]
        hits = html.split("为您找到以下相关政策条款")[1]
        for doc in ("威政办字〔2018〕107号", "威政办字〔2018〕106号"):
            lines = [line for line in hits.splitlines() if line.startswith(doc)]
            notes = [line for line in lines if "建议向责任单位确认" in line]
            assert len(notes) == min(1, len(lines)), lines
        assert hits.count("威政办字〔2018〕107号 · ") >= 2  # the case tested
        assert "未载明有效期（见第1条）" in hits
        await bot.say(chat, "/asof 2024-06-01")
        html = (await bot.say(chat, "我们是企业，去年经登记购买技术300万元，能享受哪些政策？")
                )[0].params["text"]
        assert "（按经登记的年度技术交易额20%奖励）（58号）已于2021-11-10失效" in html
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_an_example_button_restates_its_question(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        await bot.say(64, "/start")
        sent = await bot.press(64, "科技企业孵化器有什么奖励政策？")
        html = sent[0].params["text"]
        assert html.startswith("<b>❓ 科技企业孵化器有什么奖励政策？</b>\n\n"), html[:80]
        assert "为您找到以下相关政策条款" in html
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_photos_and_files_answered_from_the_caption_or_asked_for_the_policy(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    import time

    async def scenario(bot: Running) -> None:
        server = bot.server
        chat = {"id": 65, "type": "private", "first_name": "用户65"}
        user = {"id": 65, "is_bot": False, "first_name": "用户65"}
        photo: dict[str, Any] = {"photo": [{"file_id": "p1", "file_unique_id": "p1",
                                            "width": 90, "height": 90}]}
        document: dict[str, Any] = {"document": {"file_id": "d1", "file_unique_id": "d1",
                                 "file_name": "政策.pdf", "mime_type": "application/pdf"}}
        for n, (media, caption) in enumerate([
                (photo, "科技企业孵化器有什么奖励政策？"),
                (document, "这个文件里孵化器能补多少？"), (photo, None), (document, None)]):
            mark = server.mark()
            body: dict[str, Any] = {"message_id": 10 + n, "date": int(time.time()),
                                    "chat": chat, "from": user, **media}
            if caption:
                body["caption"] = caption
            await bot.until_processed(await server.push_raw(bot.token, {"message": body}))
            html = server.sent(65, mark)[0].params["text"]
            what = "图片" if media is photo else "文件"
            assert f"无法读取{what}的内容" in html
            if caption:
                assert "按您附的文字回答" in html and "威政办字" in html
            else:
                assert "政策名称或文号" in html and "只能识别文字消息" not in html
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)


def test_an_amount_question_lists_no_clause_of_mere_targets(
    tmp_path: Path, bot_engine: RecordingEngine, store: SQLiteStore
) -> None:
    async def scenario(bot: Running) -> None:
        server = bot.server
        html = (await bot.say(67, "孵化器能奖励多少钱？"))[0].params["text"]
        assert "威政办字〔2018〕107号 · 条款 二、（四）2." in html  # the award itself
        # 107号 二、（一）3. only sets targets (到2022年…达到80家以上): no amount there
        assert "二、（一）3." not in html and "达到80家以上" not in html
        assert not [c for c in server.calls if c.error]
    with_bot(tmp_path, bot_engine, store, scenario)
