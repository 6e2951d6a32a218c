"""A task made from a post, moved on the board by drag and drop and by keyboard, and seen to
move live in a colleague's browser without a reload."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import chromium_missing_reason, mark_page, publish, still_same_page, wait_live

if reason := chromium_missing_reason():
    pytest.skip(reason, allow_module_level=True)

pytestmark = pytest.mark.browser


def test_a_task_from_a_post_moves_live_on_a_colleagues_board(open_browser, live_server):
    alice, lea = open_browser("alice"), open_browser("lea")
    token = secrets.token_hex(4)
    apollo = live_server.people.apollo
    card = publish(alice.page, f"Customers ask {token} about the robot lid", shows=token, to=apollo.name)

    # "Make it a task" on the post's page: the form is filled from the post
    card.locator(".comments-link").click()
    alice.page.wait_for_url("**/posts/*")
    post_path = "/posts/" + alice.page.url.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    alice.page.locator("[data-make-task]").click()
    expect(alice.page.locator("#task-title")).to_have_value(f"Customers ask {token} about the robot lid")
    alice.page.locator("#task-assignees").select_option(label="Léa Bernard")
    alice.page.locator("#task-checklist").fill("Collect questions\nWrite answers")
    alice.page.get_by_role("button", name="Create the task").click()
    title = f"Customers ask {token} about the robot lid"
    expect(alice.page.get_by_role("heading", level=1)).to_have_text(title)
    expect(alice.page.locator(".task-source a")).to_have_attribute("href", post_path)

    # lea has the board open
    lea.page.goto(f"/groups/{apollo.id}/tasks")
    wait_live(lea.page)
    mark_page(lea.page)
    lea_card = lea.page.locator(".task-card", has_text=token)
    expect(lea.page.locator('[data-drop="open"] .task-card', has_text=token)).to_have_count(1)

    # alice drags it to "In progress"
    alice.page.goto(f"/groups/{apollo.id}/tasks")
    wait_live(alice.page)
    mine = alice.page.locator(".task-card", has_text=token)
    mine.drag_to(alice.page.locator('[data-drop="in_progress"]'))
    expect(alice.page.locator('[data-drop="in_progress"] .task-card', has_text=token)).to_have_count(1)
    expect(lea.page.locator('[data-drop="in_progress"] .task-card', has_text=token)).to_have_count(1)
    expect(lea.page.locator('[data-drop="open"] .task-card', has_text=token)).to_have_count(0)

    # and to "Done" by keyboard
    moved = alice.page.locator(".task-card", has_text=token)
    moved.focus()
    alice.page.keyboard.press("Alt+ArrowRight")
    expect(alice.page.locator('[data-drop="done"] .task-card', has_text=token)).to_have_count(1)
    expect(lea.page.locator('[data-drop="done"] .task-card', has_text=token)).to_have_count(1)
    expect(lea_card).to_have_count(1)
    assert still_same_page(lea.page)  # live, not reloaded

    # the history says who moved it
    lea.page.locator(".task-card", has_text=token).get_by_role("link").click()
    history = lea.page.locator(".task-history")
    expect(history).to_contain_text("Alice Martin moved it from To do to In progress")
    expect(history).to_contain_text("from In progress to Done")

    # alice has the task's page open when lea moves it back: her page says so, live
    alice.page.goto(lea.page.url)
    wait_live(alice.page)
    lea.page.locator(".task-move button", has_text="In progress").click()
    expect(alice.page.locator("[data-task-changed] a")).to_have_text(
        "This task has just changed: show the new version")


def test_my_tasks_follow_live_what_is_given_moved_and_taken_away(open_browser):
    """bob keeps "My tasks" open while alice gives a task to his service, moves it to done, then
    takes it from his service: his page follows each step without a reload."""
    alice, bob = open_browser("alice"), open_browser("bob")
    token = secrets.token_hex(4)
    bob.page.goto("/tasks")
    wait_live(bob.page)
    mark_page(bob.page)
    expect(bob.page.locator("[data-my-tasks-empty]")).to_be_visible()

    alice.page.goto("/tasks/new")
    alice.page.locator("#task-group").select_option(label="Marketing")
    alice.page.get_by_role("button", name="Continue").click()
    alice.page.locator("#task-title").fill(f"Answer the {token} complaints")
    alice.page.locator("#task-service").select_option(label="Service client")
    alice.page.get_by_role("button", name="Create the task").click()
    expect(alice.page.get_by_role("heading", level=1)).to_have_text(f"Answer the {token} complaints")

    row = bob.page.locator("[data-my-tasks] tr", has_text=token)
    expect(bob.page.locator('[data-my-tasks="open"] tr', has_text=token)).to_have_count(1)
    expect(row.locator("[data-task-status]")).to_have_text("To do")
    expect(row).to_contain_text("Service: Service client")
    expect(bob.page.locator("[data-my-tasks-empty]")).to_be_hidden()

    alice.page.locator(".task-move button", has_text="In progress").click()
    expect(row.locator("[data-task-status]")).to_have_text("In progress")
    alice.page.locator(".task-move button", has_text="Done").click()
    expect(bob.page.locator('[data-my-tasks="done"] tr', has_text=token)).to_have_count(1)
    expect(bob.page.locator('[data-my-tasks="open"] tr', has_text=token)).to_have_count(0)
    expect(bob.page.get_by_role("heading", name="Recently done")).to_be_visible()
    expect(bob.page.locator("[data-my-tasks-empty]")).to_be_visible()

    alice.page.get_by_role("link", name="Edit").click()
    alice.page.locator("#task-service").select_option(label="No service")
    alice.page.get_by_role("button", name="Save").click()
    expect(row).to_have_count(0)
    expect(bob.page.get_by_role("heading", name="Recently done")).to_be_hidden()
    assert still_same_page(bob.page)  # live, not reloaded
    assert bob.errors == []
