"""Errors qa raises; each message says what to do about it."""


class QAError(Exception):
    """Base of every error qa reports to a user."""


class NotesNotFound(QAError):
    """The notes path does not exist or holds no Markdown."""


class IndexUnusable(QAError):
    """The index folder cannot be read or written."""
