"""``motcua search "<query>" [--json]``: search the catalogue from the command line."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from motcua.api.serializers import level_text
from motcua.catalog.selectors import Filters, list_entries


class Command(BaseCommand):
    help = "Tìm thủ tục hành chính như trên cổng (có dấu, không dấu, lỗi gõ, câu hỏi, mã)."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--province", default="")
        parser.add_argument("--explain", action="store_true", help="In cách hiểu câu truy vấn.")

    def handle(self, query, json=False, limit=10, province="", explain=False, **_):
        page = list_entries(query, Filters(province=province), limit, 0)
        results = [
            {
                "code": e.code,
                "name": e.name,
                "level": level_text(e.levels),
                "field": e.field.name if e.field else None,
                "province": e.province.name if e.province else None,
                "online_level": e.online_level,
                "national_code": e.procedure.code,
                "score": round(page.scores.get(e.procedure_id, 0.0), 3),
            }
            for e in page.entries
        ]
        if json:
            payload = {"query": query, "count": page.count, "results": results}
            if explain and page.outcome:
                payload["analysis"] = page.outcome.query.describe()
            self.stdout.write(_dumps(payload))
            return
        if explain and page.outcome:
            self.stdout.write(_dumps(page.outcome.query.describe()))
        self.stdout.write(f"{page.count} kết quả")
        for row in results:
            where = f" [{row['province']}]" if row["province"] else ""
            self.stdout.write(f"{row['score']:>7} {row['code']:<24} {row['name'][:90]}{where}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
