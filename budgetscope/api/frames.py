"""pandas DataFrames of API answers, where pandas is installed (imported only when asked for).

Example:
    >>> from budgetscope.models import ProjectSummary
    >>> rows = Rows([ProjectSummary(id="p1", kind="form", doc="a.txt", name="科普项目")])
    >>> rows.to_frame()[["id", "name"]].to_dict("records")  # doctest: +SKIP
    [{'id': 'p1', 'name': '科普项目'}]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel

from budgetscope.api.errors import PandasMissing

M = TypeVar("M", bound=BaseModel)


def to_frame(items: Iterable[BaseModel]) -> Any:
    """A DataFrame with one row per model and one column per field (money stays ``Decimal``).

    Raises :class:`PandasMissing` when pandas is not installed.
    """
    try:
        import pandas as pd
    except ImportError:
        raise PandasMissing("to_frame needs pandas: pip install pandas") from None
    rows = [item.model_dump() for item in items]
    return pd.DataFrame.from_records(rows) if rows else pd.DataFrame()


class Rows(list[M]):
    """A list of models that also gives itself as a DataFrame; ``model``, the rows' class, gives an
    empty list its columns."""

    def __init__(self, items: Iterable[M] = (), model: type[BaseModel] | None = None) -> None:
        super().__init__(items)
        self.model = model

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (see :func:`to_frame`); no rows: no rows, with the columns."""
        frame = to_frame(self)
        if not self and self.model is not None:
            import pandas as pd

            frame = pd.DataFrame(columns=list(self.model.model_fields))
        return frame
