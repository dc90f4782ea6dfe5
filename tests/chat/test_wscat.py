"""The chat from the command line, as the workshop tests it: wscat connects, joins, sends,
and the message reaches a second wscat."""
from __future__ import annotations

from .conftest import Chat, Wscat


def test_a_message_sent_with_wscat_reaches_another_client(chat: Chat):
    sender, receiver = Wscat(chat.ws_url), Wscat(chat.ws_url)
    try:
        sender.wait_open()
        receiver.wait_open()
        sender.send({"action": "updatedetails", "userHandle": "wscat",
                     "displayName": "From the terminal"})
        assert sender.receive("details") == {"type": "details", "userHandle": "wscat",
                                             "displayName": "From the terminal"}
        sender.send({"action": "sendmessage", "message": "hello from wscat"})
        got = receiver.receive("message")
        assert (got["userHandle"], got["displayName"], got["message"]) == (
            "wscat", "From the terminal", "hello from wscat")
        assert sender.receive("message") == got        # the sender sees it too
    finally:
        sender.close()
        receiver.close()


def test_wscat_gets_help_for_an_unknown_action(chat: Chat):
    client = Wscat(chat.ws_url)
    try:
        client.wait_open()
        client.send({"action": "dance"})
        error = client.receive("error")
        assert error["error"] == "unknown_action"
        assert error["message"].startswith('Unknown action "dance". Send one of: '
                                           "updatedetails, sendmessage, getmessages.")
    finally:
        client.close()
