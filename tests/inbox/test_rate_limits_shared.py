"""Rate limits with several workers: with REDIS_URL every worker counts in one Redis, so a sender
(or a password guesser) gets the same allowance however the proxy spreads its requests."""

from __future__ import annotations

import time

import redis

from tests.conftest import PASSWORD, WebClient
from tests.inbox_helpers import comment, deliver, make_source
from tests.scale_out_helpers import close, redis_config, worker


def test_the_webhook_limit_of_a_source_is_counted_across_workers(app, cast, redis_url):
    source = make_source(app, cast.admin)
    config = redis_config(redis_url, INBOX_WEBHOOK_RATE_LIMIT="3 per hour")
    a, b = worker(app, **config), worker(app, **config)
    try:
        clients = [a.test_client(), b.test_client()] * 2
        codes = [deliver(c, source, [comment(str(i), "hi")], timestamp=int(time.time()) + i).status_code
                 for i, c in enumerate(clients)]
        assert codes == [202, 202, 202, 429]  # alone, each worker would have let all four through
        other = make_source(app, cast.admin, name="Other")  # per source
        assert deliver(b.test_client(), other, [comment("x", "hi")]).status_code == 202
        keys = redis.Redis.from_url(redis_url).keys("intranet:webhook-limit:*")
        assert sorted(k.decode().split(":")[2] for k in keys) == sorted([str(source.id), str(other.id)])
    finally:
        close(a, b)


def test_the_login_limit_is_stored_in_redis(app, cast, redis_url):
    a, b = worker(app, **redis_config(redis_url)), worker(app, **redis_config(redis_url))
    try:
        assert a.config["RATELIMIT_STORAGE_URI"] == redis_url
        limit = int(a.config["LOGIN_RATE_LIMIT"].split()[0])
        webs = [WebClient(a, a.test_client()), WebClient(b, b.test_client())]
        codes = [webs[i % 2].post("/login", data={"email": f"person{i}@example.com",  # one account each:
                                                  "password": "no" + PASSWORD})  # alone, one waits sooner
                 .status_code for i in range(limit + 1)]
        assert codes == [400] * limit + [429]
        assert redis.Redis.from_url(redis_url).keys("LIMITS*")  # flask-limiter's counters, in Redis
    finally:
        close(a, b)
