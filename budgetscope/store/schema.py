"""The SQLite schema of the entity store: tables, indexes, export views, and the ids of rows.

Money is stored twice, both exact: ``fen`` INTEGER (the amount in fen, 1/100 yuan) is the number
every SQLite reader sums and sorts (Datasette, DuckDB's sqlite scanner see a 64-bit integer), and
``yuan`` TEXT is the same amount as decimal text with two places (``"820000.00"``), for reading and
for the records' round trip. An amount finer than a fen (1.23456789万元 = ``"12345.6789"``) has no exact
fen: its ``fen`` is NULL, never a rounded number, and the export views flag it (``finer_than_fen``,
``budget_total_finer_than_fen``): a budget is never finer than a fen, so the figure is suspect. No REAL column or ``CAST(… AS REAL)`` anywhere: SQLite's REAL is a
double and DuckDB reads a ``REAL`` declaration as a 32-bit float. Dates are ISO text. Row
conversion lives in :mod:`budgetscope.store.rows`.

Example:
    >>> citation_id("p1", 0)
    'c9dd46457d555411'
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetscope.models import fen, money_text, stable_id

SCHEMA_VERSION = 6
"""Bumped when the tables change; an older store is migrated on open (:mod:`.migrate`), a newer refused."""

_MONEY = "yuan TEXT{null}, fen INTEGER"

DDL_TABLES = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, doc TEXT NOT NULL UNIQUE, path TEXT, kind TEXT NOT NULL, department TEXT,
  year INTEGER, pages INTEGER, chars INTEGER, sha1 TEXT NOT NULL, pipeline TEXT NOT NULL,
  parts TEXT NOT NULL, warnings TEXT NOT NULL, extra TEXT, index_seq INTEGER);
CREATE TABLE IF NOT EXISTS projects (
  id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('narrative', 'form', 'department_form')), doc TEXT NOT NULL,
  line INTEGER, page INTEGER, department TEXT, year INTEGER, title TEXT NOT NULL, name TEXT,
  budget_total_yuan TEXT, budget_total_fen INTEGER, period_start TEXT, period_end TEXT, period_text TEXT, period_offset INTEGER,
  start INTEGER, "end" INTEGER, extra TEXT, code TEXT);
CREATE INDEX IF NOT EXISTS projects_document ON projects(document_id, position);
CREATE INDEX IF NOT EXISTS projects_year_department ON projects(year, department);
CREATE INDEX IF NOT EXISTS projects_name ON projects(name);
CREATE TABLE IF NOT EXISTS sections (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, source TEXT NOT NULL CHECK (source IN ('narrative', 'form')), key TEXT NOT NULL,
  text TEXT, present INTEGER NOT NULL, heading TEXT, line INTEGER, start INTEGER, "end" INTEGER,
  spanned INTEGER NOT NULL, extra TEXT);
CREATE INDEX IF NOT EXISTS sections_project ON sections(project_id, position);
CREATE INDEX IF NOT EXISTS sections_key ON sections(key);
CREATE TABLE IF NOT EXISTS amounts (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, text TEXT NOT NULL, {_MONEY.format(null=" NOT NULL")}, role TEXT NOT NULL,
  section TEXT, start INTEGER, "end" INTEGER, approximate INTEGER NOT NULL, extra TEXT);
CREATE INDEX IF NOT EXISTS amounts_project ON amounts(project_id, position);
CREATE INDEX IF NOT EXISTS amounts_role ON amounts(role);
CREATE TABLE IF NOT EXISTS citations (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, title TEXT NOT NULL, doc_number TEXT, section TEXT, bracketed INTEGER NOT NULL,
  canonical TEXT, start INTEGER, "end" INTEGER, short_for TEXT, extra TEXT, wording TEXT,
  doc_number_inferred INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS citations_project ON citations(project_id, position);
CREATE INDEX IF NOT EXISTS citations_canonical ON citations(canonical);
CREATE INDEX IF NOT EXISTS citations_title ON citations(title);
CREATE INDEX IF NOT EXISTS citations_doc_number ON citations(doc_number);
CREATE TABLE IF NOT EXISTS implementing_bodies (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE, position INTEGER NOT NULL,
  name TEXT NOT NULL, PRIMARY KEY (project_id, position));
CREATE INDEX IF NOT EXISTS implementing_bodies_name ON implementing_bodies(name);
CREATE TABLE IF NOT EXISTS forms (
  project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE, nature TEXT, category TEXT,
  department TEXT, implementer TEXT, start TEXT, "end" TEXT, extra TEXT);
CREATE TABLE IF NOT EXISTS form_amounts (
  project_id TEXT NOT NULL REFERENCES forms(project_id) ON DELETE CASCADE, position INTEGER NOT NULL,
  key TEXT NOT NULL, {_MONEY.format(null=" NOT NULL")}, PRIMARY KEY (project_id, key));
CREATE TABLE IF NOT EXISTS components (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES forms(project_id) ON DELETE CASCADE,
  position INTEGER NOT NULL, name TEXT NOT NULL, {_MONEY.format(null="")}, extra TEXT);
CREATE INDEX IF NOT EXISTS components_project ON components(project_id, position);
CREATE TABLE IF NOT EXISTS indicators (
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES forms(project_id) ON DELETE CASCADE,
  position INTEGER NOT NULL, level1 TEXT, level2 TEXT, level3 TEXT, target TEXT, extra TEXT);
CREATE INDEX IF NOT EXISTS indicators_project ON indicators(project_id, position);
CREATE TABLE IF NOT EXISTS budget_lines (
  id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, table_title TEXT NOT NULL, table_line INTEGER, line INTEGER, name TEXT,
  column_label TEXT NOT NULL, {_MONEY.format(null=" NOT NULL")}, text TEXT NOT NULL, unit TEXT NOT NULL,
  code TEXT, scheme TEXT, page INTEGER);
CREATE INDEX IF NOT EXISTS budget_lines_document ON budget_lines(document_id, position);
CREATE INDEX IF NOT EXISTS budget_lines_code ON budget_lines(scheme, code);
CREATE TABLE IF NOT EXISTS stated_totals (
  id TEXT PRIMARY KEY, document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, label TEXT NOT NULL, text TEXT NOT NULL, {_MONEY.format(null=" NOT NULL")},
  line INTEGER, quantum TEXT NOT NULL, page INTEGER);
CREATE INDEX IF NOT EXISTS stated_totals_document ON stated_totals(document_id, position);
CREATE TABLE IF NOT EXISTS policy_documents (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, family TEXT, version TEXT, ambiguous INTEGER NOT NULL, extra TEXT);
CREATE TABLE IF NOT EXISTS policy_aliases (
  policy_id TEXT NOT NULL REFERENCES policy_documents(id) ON DELETE CASCADE, alias TEXT NOT NULL,
  PRIMARY KEY (policy_id, alias));
CREATE INDEX IF NOT EXISTS policy_aliases_alias ON policy_aliases(alias);
CREATE TABLE IF NOT EXISTS policy_doc_numbers (
  policy_id TEXT NOT NULL REFERENCES policy_documents(id) ON DELETE CASCADE, doc_number TEXT NOT NULL,
  PRIMARY KEY (policy_id, doc_number));
CREATE INDEX IF NOT EXISTS policy_doc_numbers_number ON policy_doc_numbers(doc_number);
CREATE TABLE IF NOT EXISTS project_series (
  project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE, series_id TEXT NOT NULL,
  confidence REAL NOT NULL, matched_with TEXT, evidence TEXT);
CREATE INDEX IF NOT EXISTS project_series_series ON project_series(series_id);
CREATE TABLE IF NOT EXISTS project_links (
  narrative_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  form_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE, confidence REAL NOT NULL,
  PRIMARY KEY (narrative_id, form_id));
CREATE INDEX IF NOT EXISTS project_links_form ON project_links(form_id);
CREATE TABLE IF NOT EXISTS checks (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
  document_id TEXT REFERENCES documents(id) ON DELETE CASCADE,
  project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
  other_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
  doc TEXT, line INTEGER, subject TEXT NOT NULL, stated TEXT, stated_yuan TEXT, found TEXT, found_yuan TEXT,
  difference_yuan TEXT, message TEXT NOT NULL, page INTEGER, other_doc TEXT, other_line INTEGER, other_page INTEGER,
  field TEXT, stated_fen INTEGER, found_fen INTEGER, difference_fen INTEGER);
CREATE INDEX IF NOT EXISTS checks_project ON checks(project_id);
CREATE INDEX IF NOT EXISTS checks_other ON checks(other_id);
CREATE INDEX IF NOT EXISTS checks_status ON checks(status, kind);
CREATE TABLE IF NOT EXISTS reviews (
  check_id TEXT PRIMARY KEY, reviewed_at TEXT NOT NULL, note TEXT, evidence TEXT);
"""


def review_evidence(alias: str) -> str:
    """SQL of what a review of the check ``alias`` was made on: its status and the two figures (or, for a
    check of names or dates, the two texts) it compares. A review holds while they do: a new version of
    the document that changes the disputed number brings the finding back (the check's id stays).

    >>> review_evidence("c")
    "c.status || '|' || coalesce(c.stated_yuan, c.stated, '') || '|' || coalesce(c.found_yuan, c.found, '')"
    """
    return (
        f"{alias}.status || '|' || coalesce({alias}.stated_yuan, {alias}.stated, '') || '|' "
        f"|| coalesce({alias}.found_yuan, {alias}.found, '')"
    )


_REVIEW_HOLDS = f"(r.evidence IS NULL OR r.evidence = {review_evidence('c')})"
"""A review made before evidence was kept (NULL) holds as it did."""


INDEX_STATE = """
CREATE TABLE IF NOT EXISTS index_removed (doc TEXT PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS documents_pending_insert AFTER INSERT ON documents BEGIN
  INSERT INTO meta VALUES ('index_seq', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
  UPDATE documents SET index_seq = (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'index_seq')
    WHERE id = NEW.id;
  DELETE FROM index_removed WHERE doc = NEW.doc;
END;
CREATE TRIGGER IF NOT EXISTS documents_pending_delete AFTER DELETE ON documents BEGIN
  INSERT INTO meta VALUES ('index_seq', '1') ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1;
  INSERT OR REPLACE INTO index_removed VALUES
    (OLD.doc, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'index_seq'));
END;
"""
"""The search index's state, kept in the store: a stored document the index does not reflect yet has
its ``documents.index_seq`` set, by a trigger in the transaction that writes the document, to a
sequence number, so that an index run clears only the version it embedded; a deleted document whose
points the index still holds is a row of ``index_removed``. The view ``index_pending`` lists both.
See :mod:`budgetscope.store.index_state`."""

DDL = DDL_TABLES + INDEX_STATE
"""Everything a new store is created with."""

VIEWS = f"""
CREATE VIEW index_pending AS
SELECT doc, index_seq AS seq FROM documents WHERE index_seq IS NOT NULL
UNION ALL SELECT doc, seq FROM index_removed;
CREATE VIEW findings AS SELECT * FROM checks c WHERE status NOT IN ('agree', 'rounded')
  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.check_id = c.id AND {_REVIEW_HOLDS});
CREATE VIEW reviewed_findings AS SELECT c.*, r.reviewed_at, r.note AS review_note FROM checks c
  JOIN reviews r ON r.check_id = c.id AND {_REVIEW_HOLDS} WHERE c.status NOT IN ('agree', 'rounded');
CREATE VIEW department_totals AS
SELECT d.department, d.year, d.doc, b.name AS label, b.yuan, b.fen, b.line, b.page, b.table_title,
  b.column_label FROM budget_lines b
JOIN documents d ON d.id = b.document_id WHERE b.name = '支出总计'
  AND (b.table_title LIKE '%收支总表' OR b.table_title LIKE '%收支预算总表' OR b.table_title LIKE '%收支总体情况表')
  AND b.table_title NOT LIKE '%财政拨款%' AND b.table_title NOT LIKE '%政府性基金%'
  AND b.table_title NOT LIKE '%国有资本%' AND b.table_title NOT LIKE '%决算%'
  AND b.position = (SELECT b2.position FROM budget_lines b2 WHERE b2.document_id = b.document_id
    AND b2.table_title = b.table_title AND b2.name = b.name AND b2.line IS b.line AND b2.page IS b.page
    ORDER BY b2.fen DESC, b2.position LIMIT 1)
UNION ALL
SELECT d.department, d.year, d.doc, s.label, s.yuan, s.fen, s.line, s.page, NULL, NULL FROM stated_totals s
JOIN documents d ON d.id = s.document_id WHERE s.label = '支出预算';
CREATE VIEW export_projects AS
SELECT p.id, p.kind, p.doc, p.line, p.page, p.department, p.year, p.title, p.name,
  p.budget_total_yuan, p.budget_total_fen, p.period_start, p.period_end, p.period_text,
  (SELECT json_group_array(name) FROM (SELECT name FROM implementing_bodies b WHERE b.project_id = p.id
     ORDER BY b.position)) AS implementing_bodies,
  f.nature, f.category, f.implementer,
  (SELECT count(*) FROM amounts a WHERE a.project_id = p.id) AS amounts,
  (SELECT count(*) FROM citations c WHERE c.project_id = p.id) AS citations,
  s.series_id, s.confidence AS series_confidence,
  COALESCE((SELECT l.form_id FROM project_links l WHERE l.narrative_id = p.id),
           (SELECT l.narrative_id FROM project_links l WHERE l.form_id = p.id)) AS linked_project_id,
  (SELECT count(*) FROM findings k WHERE k.project_id = p.id OR k.other_id = p.id) AS findings,
  EXISTS (SELECT 1 FROM findings k WHERE k.project_id = p.id AND k.severity = 'error') AS budget_flagged,
  p.code,
  -- budget_counted: the one record of a project whose budget a sum takes (a narrative linked to a form
  -- stating one is the form's; never a department-wide form's, nor one an error-level finding disputes)
  (p.budget_total_yuan IS NOT NULL AND p.kind <> 'department_form'
   AND NOT EXISTS (SELECT 1 FROM findings k WHERE k.project_id = p.id AND k.severity = 'error')
   AND NOT (p.kind = 'narrative' AND EXISTS (SELECT 1 FROM project_links l JOIN projects q ON q.id = l.form_id
     WHERE l.narrative_id = p.id AND q.budget_total_yuan IS NOT NULL))) AS budget_counted,
  json_extract(p.extra, '$.budget_total_approximate') AS budget_total_approximate,
  (p.budget_total_yuan IS NOT NULL AND p.budget_total_fen IS NULL) AS budget_total_finer_than_fen
FROM projects p JOIN documents d ON d.id = p.document_id
LEFT JOIN forms f ON f.project_id = p.id LEFT JOIN project_series s ON s.project_id = p.id
ORDER BY p.doc, p.position;
CREATE VIEW export_sections AS
SELECT x.id, x.project_id, p.doc, p.year, p.department, p.name AS project, x.source, x.key, x.heading,
  x.text, x.line, x.start, x."end"
FROM sections x JOIN projects p ON p.id = x.project_id
WHERE x.present = 1 ORDER BY p.doc, p.position, x.position;
CREATE VIEW export_amounts AS
SELECT id, project_id, doc, source, project, fiscal_year, administrative_classification,
  functional_classification, economic_classification, role, section, column_label, label, text, amount, amount_fen,
  currency, line, page, start, "end", approximate,
  (amount IS NOT NULL AND amount_fen IS NULL) AS finer_than_fen FROM (
  SELECT a.id, a.project_id, p.doc, p.kind AS source, p.name AS project, p.year AS fiscal_year,
    p.department AS administrative_classification, NULL AS functional_classification,
    NULL AS economic_classification, a.role, a.section, NULL AS column_label, NULL AS label, a.text,
    a.yuan AS amount, a.fen AS amount_fen, 'CNY' AS currency, p.line, p.page, a.start, a."end",
    a.approximate AS approximate, 0 AS k1, p.position AS k2, a.position AS k3
  FROM amounts a JOIN projects p ON p.id = a.project_id
  UNION ALL
  SELECT p.id || ':' || m.key, p.id, p.doc, 'form', p.name, p.year, p.department, NULL, NULL,
    CASE WHEN m.key = 'fiscal_current' THEN 'fiscal'
      WHEN p.kind = 'form' AND m.key = (SELECT t.key FROM form_amounts t WHERE t.project_id = m.project_id
        AND t.key IN ('annual_total', 'project_total') ORDER BY t.key = 'project_total' LIMIT 1) THEN 'total'
      ELSE 'other' END,
    'form', m.key, json_extract(f.extra, '$.amount_labels."' || m.key || '"'), NULL, m.yuan, m.fen, 'CNY', p.line,
    p.page, NULL, NULL, 0, 0, p.position, 1000 + m.position
  FROM form_amounts m JOIN projects p ON p.id = m.project_id JOIN forms f ON f.project_id = m.project_id
  UNION ALL
  SELECT c.id, p.id, p.doc, 'component', COALESCE(p.name, '') || ' / ' || c.name, p.year, p.department, NULL, NULL,
    'component', 'form', 'component', NULL, NULL, c.yuan, c.fen, 'CNY', p.line, p.page, NULL, NULL, 0, 0, p.position,
    2000 + c.position
  FROM components c JOIN projects p ON p.id = c.project_id WHERE c.yuan IS NOT NULL
  UNION ALL
  SELECT b.id, NULL, d.doc, 'table', b.name, d.year, d.department,
    CASE b.scheme WHEN 'functional' THEN b.code END, CASE b.scheme WHEN 'economic' THEN b.code END,
    NULL, b.table_title, b.column_label, COALESCE(b.name || ' / ', '') || b.column_label, b.text, b.yuan, b.fen, 'CNY',
    CASE WHEN b.page IS NULL THEN b.line END, b.page, NULL, NULL, 0, 1, 0, b.position
  FROM budget_lines b JOIN documents d ON d.id = b.document_id
) ORDER BY doc, k1, k2, k3;
CREATE VIEW export_citations AS
SELECT c.id, c.project_id, p.doc, p.year, p.department, p.name AS project, p.line, p.page,
  (SELECT s.line + length(substr(s.text, 1, c.start)) - length(replace(substr(s.text, 1, c.start), char(10), ''))
   FROM sections s WHERE s.project_id = c.project_id AND s.key = c.section AND s.line IS NOT NULL
     AND c.start IS NOT NULL AND p.page IS NULL ORDER BY s.position LIMIT 1) AS citation_line,
  c.section, c.title,
  c.doc_number, c.bracketed, c.canonical, pd.title AS canonical_title, c.wording, c.doc_number_inferred
FROM citations c JOIN projects p ON p.id = c.project_id LEFT JOIN policy_documents pd ON pd.id = c.canonical
ORDER BY p.doc, p.position, c.position;
CREATE VIEW export_policy_documents AS
SELECT pd.id, pd.title, pd.family, pd.version, pd.ambiguous,
  (SELECT json_group_array(alias) FROM (SELECT alias FROM policy_aliases a WHERE a.policy_id = pd.id
     ORDER BY alias)) AS aliases,
  (SELECT json_group_array(doc_number) FROM (SELECT doc_number FROM policy_doc_numbers n
     WHERE n.policy_id = pd.id ORDER BY doc_number)) AS doc_numbers,
  (SELECT count(DISTINCT c.project_id) FROM citations c WHERE c.canonical = pd.id) AS projects,
  (SELECT count(*) FROM citations c WHERE c.canonical = pd.id) AS citations,
  (SELECT json_group_array(year) FROM (SELECT DISTINCT p.year FROM citations c JOIN projects p
     ON p.id = c.project_id WHERE c.canonical = pd.id AND p.year IS NOT NULL ORDER BY p.year)) AS years
FROM policy_documents pd ORDER BY pd.family, pd.version, pd.id;
CREATE VIEW export_indicators AS
SELECT i.id, i.project_id, p.doc, p.year, p.department, p.name AS project, i.position, i.level1, i.level2,
  i.level3, i.target, json_extract(i.extra, '$.comparison') AS comparison, json_extract(i.extra, '$.value') AS value,
  json_extract(i.extra, '$.unit') AS unit, json_extract(i.extra, '$.qualitative') AS qualitative,
  json_extract(i.extra, '$.weight') AS weight
FROM indicators i JOIN projects p ON p.id = i.project_id ORDER BY p.doc, p.position, i.position;
CREATE VIEW export_findings AS
SELECT id, kind, status, severity, doc, page, line, project_id, other_id, field, subject, stated, stated_yuan,
  stated_fen, found, found_yuan, found_fen, other_doc, other_page, other_line, difference_yuan, difference_fen, message
FROM findings ORDER BY doc, line, kind, id
"""
"""Read-only views shaped for export, Datasette and DuckDB (recreated when their text changes)."""

DOCUMENT_TABLES: tuple[str, ...] = (
    "documents",
    "projects",
    "sections",
    "amounts",
    "citations",
    "implementing_bodies",
    "forms",
    "form_amounts",
    "components",
    "indicators",
    "budget_lines",
    "stated_totals",
)
"""Tables written with a document, in insertion order (parents first)."""

LINK_TABLES: tuple[str, ...] = (
    "policy_documents",
    "policy_aliases",
    "policy_doc_numbers",
    "project_series",
    "project_links",
    "checks",
)
"""Tables derived across documents (replaced together by a relink)."""


def money(value: Decimal | None) -> str | None:
    """Exact decimal text of an amount, as every output writes it (:func:`~budgetscope.models.money_text`).

    >>> money(Decimal("6.272E+6")), money(Decimal("820000")), money(Decimal("0.125")), money(None)
    ('6272000.00', '820000.00', '0.125', None)
    """
    return None if value is None else money_text(value)


def money_columns(prefix: str, value: Decimal | None) -> dict[str, str | int | None]:
    """``{prefix}yuan`` and ``{prefix}fen`` of an amount (``prefix`` as in ``stated_``).

    >>> money_columns("", Decimal("1.5"))
    {'yuan': '1.50', 'fen': 150}
    """
    return {f"{prefix}yuan": money(value), f"{prefix}fen": fen(value)}


PROJECT_CODE = re.compile(r"^([0-9]{6,}[A-Z][0-9]{6,})[-－—]")
"""A project code printed before a name (北京: ``11000022T000000428124-会议类项目``)."""


def project_code(name: str | None) -> str | None:
    """The code a project's name starts with (``projects.code``: a key across years), else None.

    >>> project_code("11000022T000000428124-中国国际服务贸易交易会"), project_code("科普活动")
    ('11000022T000000428124', None)
    """
    code = PROJECT_CODE.match(name or "")
    return code.group(1) if code else None


def citation_id(record_id: str, position: int) -> str:
    """The stored id of a record's ``position``-th citation."""
    return stable_id(record_id, "citation", position)


__all__ = [
    "DDL",
    "DOCUMENT_TABLES",
    "INDEX_STATE",
    "LINK_TABLES",
    "PROJECT_CODE",
    "SCHEMA_VERSION",
    "VIEWS",
    "citation_id",
    "money",
    "money_columns",
    "project_code",
    "review_evidence",
]
