import io
from PIL import Image
from tests.browser.helpers import publish


def test_shots(open_browser, live_server, tmp_path):
    lea = open_browser("lea")
    apollo = live_server.people.apollo.id
    img = Image.new("RGB", (1600, 900), (40, 120, 200))
    for x in range(0, 1600, 100):
        img.paste((200, 80, 40), (x, 0, x + 50, 900))
    path = tmp_path / "c.jpg"
    img.save(path)
    lea.page.goto(f"/groups/{apollo}/settings")
    lea.page.set_input_files("#cover", str(path))
    lea.page.get_by_role("button", name="Upload the cover").click()
    lea.page.goto(f"/groups/{apollo}")
    publish(lea.page, "Hello apollo news", shows="apollo news")
    alice = open_browser("alice")
    page = alice.page
    for w in (1366, 390):
        page.set_viewport_size({"width": w, "height": 900})
        for name, p in (("home", "/"), ("groups", "/groups"), ("group", f"/groups/{apollo}"), ("people", "/people")):
            page.goto(p)
            page.screenshot(path=f"/tmp/shots/{name}-{w}.png")
    page.goto("/")
    page.locator("[data-menu-toggle]").first.click()
    page.screenshot(path="/tmp/shots/menu-390.png")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    page.locator("#composer-body").focus()
    page.screenshot(path="/tmp/shots/composer-open-1366.png")
