"""A scripted DNS resolver: answers each name from a list, one answer per lookup, the last repeating.

It stands in for ``bizshop.webhooks.transport.SystemResolver`` where a test needs a name to
change its address between two lookups (DNS rebinding) or to resolve a name no DNS knows.
"""

from __future__ import annotations


class ScriptedResolver:
    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def script(self, host: str, *answers: list[str]) -> None:
        self.answers[host.lower()] = list(answers)

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        queued = self.answers.get(host.lower())
        if not queued:
            raise OSError(f"no answer scripted for {host}")
        return queued.pop(0) if len(queued) > 1 else queued[0]
