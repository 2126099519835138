"""Catalogue search benchmark: synthetic catalogues of 5,000 and 100,000 procedures.

Runs against PostgreSQL named by DATABASE_URL, in a dedicated database `<name>_bench` that it
creates and drops. For each size it bulk-inserts the catalogue, then measures server-side:
- search: the selector the list page and the API use, paginated as they paginate it
  (SinglePassPaginator: the first page's 20 ranked ids with the total, then their rows),
  per query of a fixed set, p50/p95/max over repeated runs;
- page: GET /thu-tuc/?q=… through Django's test client (rendering included);
- the number of SQL queries of the list page.
Prints a table and one `BENCH <name> <value> <unit>` line per figure.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import traceback

from bench.common import _emit, _percentile, bench_database


def _size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 else str(size)


# BENCH_SEARCH_SIZES=1000,5000 for a quick run; the goals are those of 5,000 and 100,000.
SIZES = [
    (_size_label(int(n)), int(n))
    for n in os.environ.get("BENCH_SEARCH_SIZES", "5000,100000").split(",")
]
QUERIES = [
    "dang ky khai sinh",
    "DANG KY KHAI SINH",
    "dang ki khai sinh",
    "khai sinh",
    "tam tru",
    "dăng ký kết hôn",
    "giay phep lai xe",
    "ho chieu",
    "cap lai the can cuoc",
    "chung thuc ban sao",
    "thanh lap doanh nghiep",
    "giay phep xay dung",
]
RUNS = 15
GOALS_MS = {label: 10.0 if size <= 5_000 else 30.0 for label, size in SIZES}

VERBS = [
    "Đăng ký",
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Xác nhận",
    "Thay đổi",
    "Điều chỉnh",
    "Chứng thực",
    "Thu hồi",
    "Công nhận",
    "Giải quyết",
    "Đăng ký lại",
    "Hủy bỏ",
    "Thẩm định",
]
OBJECTS = [
    "khai sinh",
    "kết hôn",
    "khai tử",
    "tạm trú",
    "thường trú",
    "giấy phép lái xe",
    "hộ chiếu phổ thông",
    "thẻ căn cước",
    "giấy phép xây dựng",
    "giấy chứng nhận quyền sử dụng đất",
    "hộ kinh doanh",
    "doanh nghiệp tư nhân",
    "bản sao từ bản chính",
    "chữ ký",
    "di chúc",
    "giấy phép lao động",
    "chế độ thai sản",
    "bảo hiểm xã hội một lần",
    "thẻ bảo hiểm y tế",
    "hộ nghèo",
    "giám hộ",
    "nhận cha, mẹ, con",
    "biển số xe",
    "phiếu lý lịch tư pháp",
    "giấy phép kinh doanh karaoke",
    "chứng chỉ hành nghề dược",
    "giấy phép khai thác nước mặt",
    "văn bằng bảo hộ giống cây trồng",
    "trợ cấp xã hội hàng tháng",
    "học bổng chính sách",
]
QUALIFIERS = [
    "",
    "có yếu tố nước ngoài",
    "cho người từ đủ 14 tuổi trở lên",
    "đối với công trình cấp III, cấp IV",
    "thực hiện tại cấp tỉnh",
    "thực hiện tại cấp xã",
    "trực tuyến toàn trình",
    "đối với tổ chức",
    "đối với cá nhân",
    "trong trường hợp bị mất, hư hỏng",
    "cho doanh nghiệp nhỏ và vừa",
    "tại Khu kinh tế",
]
FIELDS = [
    "Hộ tịch",
    "Cư trú",
    "Căn cước",
    "Xuất nhập cảnh",
    "Giao thông vận tải",
    "Xây dựng",
    "Đất đai",
    "Đăng ký kinh doanh",
    "Chứng thực",
    "Lao động",
    "Bảo hiểm xã hội",
    "Y tế",
    "Giáo dục",
    "Văn hóa",
    "Tài nguyên nước",
    "Nông nghiệp",
    "Tư pháp",
    "Bảo trợ xã hội",
    "Khoa học công nghệ",
    "Công thương",
]


def _fill(target: int, rng: random.Random) -> None:
    """Bulk-insert procedures (with a fee each) until the catalogue holds `target` rows."""
    from django.db import connection

    from accounts.models import Agency
    from procedures.constants import OnlineMode
    from procedures.models import FeeItem, Field, Procedure
    from procedures.services import search_words_refresh
    from procedures.text import fold

    fields = [
        Field.objects.get_or_create(code=f"bench-{i}", defaults={"name": name})[0]
        for i, name in enumerate(FIELDS)
    ]
    agency, _ = Agency.objects.get_or_create(
        code="000.00.99.H99", defaults={"name": "UBND tỉnh Bench", "level": "province"}
    )
    start = Procedure.objects.count()
    modes = [OnlineMode.FULL, OnlineMode.PARTIAL, OnlineMode.PARTIAL, OnlineMode.NONE]
    batch = 5_000
    through = Procedure.agencies.through
    for offset in range(start, target, batch):
        rows = []
        for n in range(offset, min(target, offset + batch)):
            field = fields[rng.randrange(len(fields))]
            name = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}".strip()
            name = f"{name} (mẫu số {n})"
            code = f"8.{n:06d}"
            rows.append(
                Procedure(
                    code=code,
                    name=name,
                    search_text=" " + fold(f"{name} {code} {field.name}"),
                    field=field,
                    levels=[rng.choice(["Cấp xã", "Cấp tỉnh", "Cấp bộ"])],
                    online_mode=rng.choice(modes),
                    processing_days=rng.randint(1, 20),
                    popularity=rng.randint(0, 100),
                )
            )
        created = Procedure.objects.bulk_create(rows, batch_size=batch)
        FeeItem.objects.bulk_create(
            [
                FeeItem(procedure=p, name="Lệ phí", amount=a, online_amount=a // 2)
                for p, a in ((p, rng.choice([0, 10_000, 50_000, 100_000])) for p in created)
            ],
            batch_size=batch,
        )
        through.objects.bulk_create(
            [through(procedure_id=p.pk, agency_id=agency.pk) for p in created], batch_size=batch
        )
    search_words_refresh()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE procedures_procedure")
        # every table the bench filled, as autovacuum would in a live database: without
        # statistics the planner guesses 60 agencies and hashes all procedures for the
        # agency choices of the list page
        for table in (
            "procedures_feeitem",
            "procedures_procedure_agencies",
            "accounts_agency",
            "procedures_field",
            "procedures_searchword",
        ):
            cursor.execute(f"ANALYZE {table}")


def _measure(label: str) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from procedures.pagination import SinglePassPaginator
    from procedures.selectors import CatalogueFilters, procedures_search

    def search_once(q: str) -> float:
        # exactly what the list page (views.catalogue) and the API (CataloguePagination) do:
        # a plain Paginator would add a COUNT query neither of them runs
        began = time.perf_counter()
        page = SinglePassPaginator(procedures_search(filters=CatalogueFilters(q=q)), 20).get_page(1)
        list(page.object_list)
        _ = page.paginator.count
        return (time.perf_counter() - began) * 1000

    for q in QUERIES:  # warm caches and the planner
        search_once(q)
    search_ms = [search_once(q) for _ in range(RUNS) for q in QUERIES]

    client = Client()
    page_ms = []
    for q in QUERIES:
        client.get("/thu-tuc/", {"q": q})
        for _ in range(3):
            began = time.perf_counter()
            response = client.get("/thu-tuc/", {"q": q})
            page_ms.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/thu-tuc/", {"q": "dang ky khai sinh"})

    with connection.cursor() as cursor:
        # the ranking is the statement that reads the index; the page's rows follow by id
        ranking = procedures_search(filters=CatalogueFilters(q="dang ki khai sinh")).ranking
        assert ranking is not None  # PostgreSQL ranks in SQL
        sql, params = ranking[:20].query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF) {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    uses_index = any("procedures_search_text_trgm" in line for line in plan)
    return {
        f"search_p50_{label}": statistics.median(search_ms),
        f"search_p95_{label}": _percentile(search_ms, 95),
        f"search_max_{label}": max(search_ms),
        f"page_p50_{label}": statistics.median(page_ms),
        f"page_p95_{label}": _percentile(page_ms, 95),
        f"list_page_queries_{label}": float(len(queries)),
        f"search_uses_trgm_index_{label}": 1.0 if uses_index else 0.0,
    }


def main() -> int:
    with bench_database():
        from django.core.management import call_command
        from django.db import connection

        began = time.perf_counter()
        call_command("migrate", verbosity=0)
        rng = random.Random(20251123)  # fixed seed: the same catalogue every run
        results: dict[str, float] = {}
        for label, size in SIZES:
            fill_began = time.perf_counter()
            _fill(size, rng)
            results[f"build_{label}"] = time.perf_counter() - fill_began
            results.update(_measure(label))
        connection.close()
        results["total"] = time.perf_counter() - began

    units = {"build": "s", "total": "s", "list": "queries", "search_uses": "bool"}
    _emit()
    _emit(f"Catalogue search benchmark ({len(QUERIES)} queries × {RUNS} runs, server-side)")
    _emit(
        f"{'size':>6} | {'search p50':>10} | {'search p95':>10} | {'search max':>10} | "
        f"{'goal p95':>8} | "
        f"{'page p95':>9} | {'queries':>7} | {'trgm idx':>8} | {'build':>7}"
    )
    _emit("-" * 99)
    for label, size in SIZES:
        _emit(
            f"{size:>6} | {results[f'search_p50_{label}']:>7.2f} ms | "
            f"{results[f'search_p95_{label}']:>7.2f} ms | "
            f"{results[f'search_max_{label}']:>7.2f} ms | {GOALS_MS[label]:>5.0f} ms | "
            f"{results[f'page_p95_{label}']:>6.2f} ms | "
            f"{results[f'list_page_queries_{label}']:>7.0f} | "
            f"{'yes' if results[f'search_uses_trgm_index_{label}'] else 'NO':>8} | "
            f"{results[f'build_{label}']:>5.1f} s"
        )
    _emit()
    for name, value in results.items():
        unit = next((u for prefix, u in units.items() if name.startswith(prefix)), "ms")
        _emit(f"BENCH {name} {value:.3f} {unit}")
    ok = all(results[f"search_p95_{label}"] <= GOALS_MS[label] for label, _ in SIZES)
    _emit(f"BENCH search_goals_met {1 if ok else 0} bool")
    return 0


GROUPS = {"search": main}


def run(groups: list[str]) -> int:
    """Run the named benchmark groups (all of them when none is named)."""
    from bench import hub, indicators, load, payments, pdf, queue

    GROUPS["queue"] = queue.main
    GROUPS["pdf"] = lambda: pdf.main(_emit)
    GROUPS["hub"] = hub.main
    GROUPS["payments"] = payments.main
    GROUPS["indicators"] = indicators.main
    GROUPS["load"] = load.main
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        sys.exit(f"unknown bench group(s): {', '.join(unknown)}; known: {', '.join(GROUPS)}")
    status = 0
    for group in groups or list(GROUPS):
        # One failing group is reported and the others still run (each has its own database).
        try:
            status |= GROUPS[group]()
        except Exception:
            traceback.print_exc()
            _emit(f"BENCH {group}_failed 1 bool")
            status |= 1
    return status


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
