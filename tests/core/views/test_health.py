"""/healthz: the liveness probe and the benchmarks' floor."""


def test_healthz_says_ok_without_login(web):
    response = web.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and response.get_data(as_text=True) == "ok"
    assert "Set-Cookie" not in response.headers  # no session work on the floor route
