"""Cross-document linking, pure: records in, links and checks out (nothing read or written).

:mod:`.series` (the same project across years), :mod:`.findings` (narrative ↔ form links, stated
totals vs tables), :mod:`.table_checks` (a table's sums), :mod:`.audits` (a project's own sums,
periods, unit slips), :mod:`.annual_checks` (a narrative's annual budget its wording leaves unsure),
:mod:`.goal_checks` (a form's goal text against its indicator rows),
:mod:`.stated_forms` (a stated count and sum of project forms against the forms read) and
:mod:`.checks` (the comparison they all share). Citation ↔ policy-document linking is
:mod:`budgetscope.pipeline.link`.
"""
