"""GET /issues: Qdrant's issue report. UNINDEXED_FIELD (`UNINDEXED_FIELD/<collection>/<key>`)
is raised by slow filtered reads (see `observed_service.py`) and solved once the key is indexed or
the collection deleted; each carries the index request that solves it, as Qdrant's."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote


@dataclass(slots=True)
class Issue:
    collection: str
    key: str
    schema: str
    timestamp: float

    @property
    def id(self) -> str:
        return f"UNINDEXED_FIELD/{self.collection}/{self.key}"

    def to_json(self) -> dict[str, Any]:
        message = (f"Create an index on field '{self.key}' of schema \"{self.schema}\" in collection "
                   f"'{self.collection}'. Check the documentation for more details: "
                   "https://qdrant.tech/documentation/concepts/indexing/#payload-index")
        action = {"method": "PUT", "uri": f"/collections/{quote(self.collection, safe='')}/index",
                  "headers": {"content-type": "application/json"},
                  "body": {"field_name": self.key, "field_schema": self.schema}}
        return {"id": self.id,
                "description": f"Unindexed field '{self.key}' might be slowing queries down in collection "
                               f"'{self.collection}'",
                "solution": {"immediate": {"message": message, "action": action}},
                "timestamp": datetime.fromtimestamp(self.timestamp, UTC).isoformat().replace("+00:00", "Z"),
                "related_collection": self.collection}


class IssueBoard:
    def __init__(self, still_open: Callable[[str, str], bool] | None = None) -> None:
        self._issues: dict[str, Issue] = {}
        self.still_open = still_open
        """(collection, key) → whether the issue still applies; solved issues leave the report."""

    def unindexed_fields(self, collection: str, fields: Mapping[str, str]) -> None:
        for key, schema in fields.items():
            issue = Issue(collection, key, schema, time.time())
            self._issues.setdefault(issue.id, issue)

    def clear(self) -> None:
        self._issues.clear()

    def report(self) -> list[dict[str, Any]]:
        if self.still_open is not None:
            for issue_id, issue in list(self._issues.items()):
                if not self.still_open(issue.collection, issue.key):
                    del self._issues[issue_id]
        return [issue.to_json() for issue in self._issues.values()]
