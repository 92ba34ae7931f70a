"""carenet.ScenarioError: bad input, as the command line reports it (exit code 2)."""

from typing import List, Optional, Tuple


class ScenarioError(ValueError):
    """A bad scenario file, ``set`` key or value, or run setting.

    ``str(err)`` is the command line's message (the place, the source line with a
    caret, what is allowed). ``file``, ``line`` and ``column`` give the place of the
    first problem (``None`` when the problem belongs to no file, e.g. a bad
    ``Scenario.set``); ``diagnostics`` lists every problem as
    ``(file, line, column, text)``.
    """

    def __init__(
        self,
        message: str,
        file: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
        diagnostics: Optional[List[Tuple[Optional[str], Optional[int], Optional[int], str]]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.diagnostics = list(diagnostics or [])
