"""The chat in a real browser: Debian's chromium, driven by Playwright, on the page the
website bucket serves. What a person sees: joining, chatting both ways, history for someone
who comes later, and the Connections table following the windows that are open."""
from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

from boto3.dynamodb.conditions import Attr

from .conftest import REPO, TIMEOUT, Chat, wait_until

MS = TIMEOUT * 1000
# The README's picture is refreshed only on request, so a test run leaves the checkout as it was.
SCREENSHOT = REPO / "docs" / "chat-two-windows.png"
REFRESH_SCREENSHOT = os.environ.get("FOGBANK_REFRESH_SCREENSHOT") == "1"


def open_chat(browser: Any, chat: Chat) -> Any:
    context = browser.new_context(viewport={"width": 560, "height": 520})
    page = context.new_page()
    page.goto(chat.site_url)
    page.wait_for_selector("#status.connected", timeout=MS)
    return page


def join(page: Any, handle: str, name: str) -> None:
    page.fill("#handle", handle)
    page.fill("#display-name", name)
    page.click("#join-button")
    page.wait_for_selector("#me:not([hidden])", timeout=MS)
    assert page.text_content("#me") == f"You are {name} (@{handle})"


def say(page: Any, text: str) -> None:
    page.fill("#message", text)
    page.press("#message", "Enter")


def sees(page: Any, who: str, text: str) -> None:
    line = page.locator(".message", has_text=text)
    line.wait_for(timeout=MS)
    assert line.locator(".who").text_content() == who


def connection_rows(chat: Chat, handle: str) -> list[dict]:
    scan = chat.table("ConnectionsTableName").scan(FilterExpression=Attr("userHandle").eq(handle))
    return scan["Items"]


def save_side_by_side(browser: Any, left: Any, right: Any, path: Path) -> None:
    """One picture of the two windows, composed by the browser from their screenshots."""
    images = [base64.b64encode(page.screenshot()).decode() for page in (left, right)]
    page = browser.new_page(viewport={"width": 1148, "height": 536})
    page.set_content('<body style="margin:0;background:#9aa3b2;display:flex;gap:8px;'
                     'padding:8px">' + "".join(
                         f'<img style="box-shadow:0 2px 8px #0005" '
                         f'src="data:image/png;base64,{img}">' for img in images) + "</body>")
    page.screenshot(path=str(path))
    page.close()


def test_the_page_is_served_from_the_bucket_with_its_config(chat: Chat, browser: Any):
    page = open_chat(browser, chat)
    assert page.title() == "Serverless chat"
    assert page.evaluate("window.CHAT_CONFIG.webSocketUrl") == chat.ws_url
    assert page.is_disabled("#message")        # no handle yet: nothing to send with
    page.context.close()


def test_two_windows_chat_both_ways_and_a_third_sees_the_history(chat: Chat, browser: Any,
                                                                 tmp_path: Path):
    ada, grace = open_chat(browser, chat), open_chat(browser, chat)
    join(ada, "ada", "Ada Lovelace")
    join(grace, "grace", "Grace Hopper")
    say(ada, "Hello Grace, are the engines ready?")
    sees(grace, "Ada Lovelace", "Hello Grace, are the engines ready?")
    say(grace, "Compiled and running, Ada!")
    sees(ada, "Grace Hopper", "Compiled and running, Ada!")
    sees(ada, "Ada Lovelace", "Hello Grace, are the engines ready?")   # her own, echoed
    picture = SCREENSHOT if REFRESH_SCREENSHOT else tmp_path / SCREENSHOT.name
    save_side_by_side(browser, ada, grace, picture)
    assert picture.stat().st_size > 0

    later = open_chat(browser, chat)                # joins after the conversation
    sees(later, "Ada Lovelace", "Hello Grace, are the engines ready?")
    sees(later, "Grace Hopper", "Compiled and running, Ada!")
    texts = later.locator(".message .text").all_text_contents()
    assert texts.index("Hello Grace, are the engines ready?") < \
        texts.index("Compiled and running, Ada!")
    for page in (ada, grace, later):
        page.context.close()


def test_closing_a_window_removes_its_connection_row(chat: Chat, browser: Any):
    page = open_chat(browser, chat)
    join(page, "linus", "Linus")
    rows = wait_until(lambda: connection_rows(chat, "linus"), "the connection row")
    assert len(rows) == 1
    assert rows[0]["sourceIp"] == "127.0.0.1"
    assert rows[0]["connectedAt"] > 0 and rows[0]["displayName"] == "Linus"
    page.context.close()
    wait_until(lambda: not connection_rows(chat, "linus"), "the row to be deleted")


def test_the_page_shows_disconnected_and_reconnects(chat: Chat, browser: Any):
    page = open_chat(browser, chat)
    join(page, "ken", "Ken")
    connection_id = wait_until(lambda: connection_rows(chat, "ken"), "ken's row")[0]["connectionId"]
    # The server ends the connection, as API Gateway does after its idle timeout.
    chat.client("apigatewaymanagementapi").delete_connection(ConnectionId=connection_id)
    page.wait_for_selector("#status.disconnected", timeout=MS)
    page.wait_for_selector("#status.connected", timeout=MS)
    page.wait_for_selector("#me:not([hidden])", timeout=MS)     # details sent again
    say(page, "back again")
    sees(page, "Ken", "back again")
    page.context.close()
