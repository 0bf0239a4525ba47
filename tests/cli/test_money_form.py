"""Money in one written form in every output: an exact JSON number in yuan with its fen (7150000.00),
never a float, never a string, never rounded — the same in `search`, `show`, `list`, `cites`, `check`,
`segment`/`extract`, `export`, the web's ``/api`` and the Python API's ``contract()`` (one rule:
:func:`budgetscope.models.money_text`). Numbers that are not money (a target's 100, a change of -41.2%)
keep their own digits. The home is real: the 2019 performance forms searched (百万市民共享科普, 715万元),
the 2023 and 2026 department budgets stored (科协大院's series: 1067.5万元 then 627.2万元)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import budgetscope
from budgetscope.models import Number, money_grouped, money_text, to_json
from budgetscope.remote import exact_money
from budgetscope.search_cli.app import app
from budgetscope.store.schema import money

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
T19, B23, B26 = (
    "sast-2019-performance-targets.txt",
    "sast-2023-department-budget.txt",
    "sast-2026-department-budget.txt",
)
SCIENCE = "7150000.00"
"""百万市民共享科普's 项目总预算 and 项目当年预算 (715万元), written with its fen."""
WHOLE = re.compile(r'"(\w*yuan|project_total|annual_total|previous_year)": (-?\d+)(?=[,}\s])')
"""A money key followed by a whole number without its fen (``previous_year`` is a year in a series row)."""


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, embed_once: Any) -> Path:
    folder = tmp_path_factory.mktemp("money-home")
    with embed_once(), budgetscope.open(folder) as bs:
        assert not bs.ingest([CORPUS / T19]).failed
        assert not bs.ingest([CORPUS / B23, CORPUS / B26], index=False).failed
    return folder


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def money_values(data: Any, key: str = "", amounts: bool = False) -> Iterator[tuple[str, Any]]:
    """Every amount in parsed JSON: under a key ending in ``yuan``, or a value of a form's ``amounts``."""
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(v, dict | list):
                yield from money_values(v, k, k == "amounts" and isinstance(v, dict))
            elif k.endswith("yuan") or amounts:
                yield k, v
    elif isinstance(data, list):
        for v in data:
            yield from money_values(v, key)


def one_form(text: str, *, lines: bool = False) -> list[Decimal]:
    """The amounts of a JSON (or JSONL) output, each checked to be an exact number with at least its fen."""
    docs = [json.loads(t, parse_float=Decimal) for t in (text.splitlines() if lines else [text]) if t.strip()]
    found = [(k, v) for d in docs for k, v in money_values(d) if v is not None]
    assert found, text[:300]
    wrong = [(k, v) for k, v in found if not isinstance(v, Decimal) or int(v.as_tuple().exponent) > -2]
    assert not wrong, wrong[:5]  # an int is a whole amount without its fen; a str, a quoted amount
    assert not [m for m in WHOLE.findall(text) if m[0] != "previous_year" or len(m[1]) > 4]
    return [v for _, v in found]


def project_id(home: Path, name: str) -> str:
    with budgetscope.open(home) as bs:
        return next(p.id for p in bs.projects() if p.name == name)


@pytest.mark.parametrize(
    ("value", "text"),
    [("7150000", "7150000.00"), ("1529928300", "1529928300.00"), ("6.272E+6", "6272000.00"), ("1.5", "1.50"),
     ("-260000.000", "-260000.00"), ("0.125", "0.125"), ("1234567890123456.78", "1234567890123456.78")],
)  # fmt: skip
def test_money_form_rule(value: str, text: str) -> None:
    """Two decimals, more only when the amount has more (never rounded), no exponent; the store's text too."""
    assert money_text(Decimal(value)) == text == money(Decimal(value))
    assert to_json({"yuan": Decimal(value)}) == f'{{"yuan": {text}}}'


@given(st.builds(lambda n, p: Decimal(n).scaleb(-p), st.integers(-(10**18), 10**18), st.integers(-4, 6)))
def test_money_form_rule_is_exact(value: Decimal) -> None:
    text = money_text(value)
    whole, _, fen = text.partition(".")
    assert (
        Decimal(text) == value and "E" not in text.upper() and len(fen) >= 2 and whole.lstrip("-").isdigit()
    )
    assert money_text(Decimal(text)) == text == money(value)  # one form: written again, the same


def test_money_form_for_people_groups_the_same_digits() -> None:
    """Tables and pages write the same text with thousands separators, never rounded (show's table wrote
    0.125 as 0.12), never through float."""
    assert [money_grouped(Decimal(t)) for t in ("7150000", "-599950000.000", "0.125", "999")] == [
        "7,150,000.00", "-599,950,000.00", "0.125", "999.00"
    ]  # fmt: skip
    assert money_grouped(113567700) == money_grouped("113567700.00") == "113,567,700.00"


def test_money_form_numbers_that_are_not_money_keep_their_digits() -> None:
    assert (
        to_json([Number("100"), Number("1.8"), Number("-41.2"), Decimal("100")])
        == "[100, 1.8, -41.2, 100.00]"
    )
    served = json.loads(
        to_json({"hits": [{"budget_yuan": Decimal("7150000"), "score": 0.5}]}), parse_float=Decimal
    )
    assert to_json(exact_money(served)) == '{"hits": [{"budget_yuan": 7150000.00, "score": 0.5}]}'
    assert (
        to_json(exact_money({"budget_yuan": 7150000})) == '{"budget_yuan": 7150000.00}'
    )  # an older serve's int


def test_money_form_same_in_every_command(home: Path) -> None:
    """百万市民共享科普's 715万元 is 7150000.00 in search, cites, show, list, check and export alike."""
    pid, h = project_id(home, "百万市民共享科普"), ["--home", str(home)]
    outputs = {
        "search": run("search", "百万市民共享科普", *h, "--format", "json", "--top-k", "1"),
        "cites": run("cites", "全民科学素质纲要", *h, "--format", "json"),
        "show": run("show", pid, *h, "--format", "json"),
        "list": run("list", "projects", *h, "--format", "json"),
        "check": run("check", *h, "--format", "json", "--all", "--fail-on", "never"),
    }
    for command, text in outputs.items():
        assert Decimal(SCIENCE) in one_form(text) and f": {SCIENCE}" in text, command
    assert "7,150,000.00 元" in run("search", "百万市民共享科普", *h, "--top-k", "1")  # its list, for people
    assert "7,150,000.00" in run("show", pid, *h)
    lines = {
        "list": run("list", "projects", *h, "--format", "jsonl"),
        "check": run("check", *h, "--format", "jsonl", "--fail-on", "never"),
        "export projects": run("export", "--what", "projects", "--format", "jsonl", "--out", "-", *h),
        "export amounts": run("export", "--what", "amounts", "--format", "jsonl", "--out", "-", *h),
    }
    for text in lines.values():  # the amounts export's column is ``amount``
        one_form(text.replace('"amount":', '"amount_yuan":'), lines=True)
    assert f'"amount": {SCIENCE},' in lines["export amounts"]
    shown = json.loads(outputs["show"], parse_float=Decimal)
    form = shown["project"]["form"]
    assert [str(form["amounts"][k]) for k in ("project_total", "annual_total")] == [SCIENCE, SCIENCE]
    assert str(form["amounts"]["previous_year"]) == "6250000.00"  # 同名项目上年预算额 625万元
    assert [str(c["yuan"]) for c in form["components"]] == [
        "3800000.00",
        "1650000.00",
        "900000.00",
        "800000.00",
    ]
    assert [i["value"] for i in form["indicators"]][:3] == [100, 10, 100]  # targets' numbers, not money


def test_money_form_csv_is_the_same_text(home: Path) -> None:
    h = ["--home", str(home)]
    listed = list(csv.DictReader(io.StringIO(run("list", "projects", *h, "--format", "csv"))))
    exported = list(
        csv.DictReader(io.StringIO(run("export", "--what", "projects", "--format", "csv", "--out", "-", *h)))
    )
    for rows in (listed, exported):
        assert next(r for r in rows if r["name"] == "百万市民共享科普")["budget_total_yuan"] == SCIENCE
        texts = [r["budget_total_yuan"] for r in rows if r["budget_total_yuan"]]
        assert texts and all(re.fullmatch(r"-?\d+\.\d\d+", t) for t in texts), texts


def test_money_form_show_checks_and_series_are_numbers(home: Path) -> None:
    """`show`'s checks write their amounts as numbers (they were quoted strings), its series years theirs with
    the fen, and the change in percent as the number it is (-41.2)."""
    text = run("show", project_id(home, "科协大院日常修缮项目"), "--home", str(home), "--format", "json")
    one_form(text)
    shown = json.loads(text, parse_float=Decimal)
    years = {y["year"]: y for y in shown["series"]["years"]}
    assert [str(years[y]["budget_total_yuan"]) for y in (2023, 2026)] == ["10675000.00", "6272000.00"]
    assert (str(years[2026]["change_yuan"]), years[2026]["change_percent"]) == (
        "-4403000.00",
        Decimal("-41.2"),
    )
    assert '"change_percent": -41.2,' in text
    older = run(
        "show",
        project_id(home, "2023年度科协大院日常运行与维护项目"),
        "--home",
        str(home),
        "--format",
        "json",
    )
    checks = json.loads(older, parse_float=Decimal)["checks"]
    assert checks and all(isinstance(c["stated_yuan"], Decimal | None) for c in checks)
    assert '"stated_yuan": 10675000.00,' in older and '"stated_yuan": "' not in older


def test_money_form_segment_and_extract(tmp_path: Path) -> None:
    """Straight from the document: the same form in `segment` and `extract` (json and jsonl)."""
    path = CORPUS / T19
    segmented = run("segment", str(path), "--format", "json")
    extracted = run("extract", str(path), "--format", "json")
    assert Decimal(SCIENCE) in one_form(segmented) and f'"annual_total": {SCIENCE},' in segmented
    assert Decimal(SCIENCE) in one_form(extracted) and f'"budget_total_yuan": {SCIENCE},' in extracted
    one_form(run("extract", str(path), "--format", "jsonl"), lines=True)
    assert '"value": 100,' in extracted  # a target's number keeps its digits


def test_money_form_web_api_and_python_api(home: Path) -> None:
    """The web's JSON and the Python API's ``contract()`` write and hold the same form."""
    from starlette.testclient import TestClient

    from budgetscope.web.app import create_app
    from budgetscope.web.data import Data

    pid = project_id(home, "百万市民共享科普")
    with budgetscope.open(home) as bs:
        client = TestClient(create_app(Data(bs)))
        for url in ("/api/search?q=百万市民共享科普&top_k=1", "/api/cites?q=全民科学素质纲要",
                    f"/api/project/{pid}", "/api/projects?year=2019", f"/api/document/{T19}"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200, url
            assert Decimal(SCIENCE) in one_form(response.text) and f": {SCIENCE}" in response.text, url
        one_form(client.get("/api/projects").text)
        for url in ("/search?q=百万市民共享科普", f"/project/{pid}"):  # the pages: the same digits, grouped
            assert "7,150,000.00 元" in client.get(url).text, url
        contract = bs.project(pid).contract()
    assert str(contract["project"]["budget_total_yuan"]) == SCIENCE
    assert str(contract["project"]["form"]["amounts"]["project_total"]) == SCIENCE
    assert to_json(contract, indent=1) + "\n" == run("show", pid, "--home", str(home), "--format", "json")
