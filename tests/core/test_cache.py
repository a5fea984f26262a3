"""The Redis cache backend (bizshop.core.cache): Django's, reusing one client per pool."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import caches

from bizshop.core.cache import RedisCache

if TYPE_CHECKING:
    from pytest_django import Settings


def test_the_cache_is_redis_and_keeps_one_client(settings: Settings) -> None:
    assert settings.REDIS_URL, "run through `make test`: the suite runs against Redis"
    cache = caches["default"]
    assert isinstance(cache, RedisCache)

    cache.set("bizshop-test", {"codes": [1, 2]}, 30)

    assert cache.get("bizshop-test") == {"codes": [1, 2]}
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    assert client.ttl(cache.make_and_validate_key("bizshop-test")) > 0
