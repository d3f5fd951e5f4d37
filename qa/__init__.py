"""qa: answers questions about your own Markdown notes, from the terminal or from Python.

    from qa import Assistant
    r = Assistant().ask("如何删除所有容器")
    print(r.answers[0].command)
"""

from qa.assistant import Assistant
from qa.errors import IndexUnusable, NotesNotFound, QAError
from qa.model import Answer, ExplainedPart, Explanation, FlagEntry, Passage, Result, Source

__all__ = ["Answer", "Assistant", "ExplainedPart", "Explanation", "FlagEntry", "IndexUnusable",
           "NotesNotFound", "Passage", "QAError", "Result", "Source"]
__version__ = "0.1.0"
