"""Errors the user can act on. Each carries a message fit to show as it is (one line, no secret)."""


class UserError(Exception):
    """Bad usage, input or configuration: the command line exits 2 with the message."""

    exit_code = 2

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        #: further lines, one problem each (an import file's every problem, for example)
        self.details = list(details or [])


class DataFolderError(UserError):
    """The data folder or its database can't be used (no rights, newer schema, corrupt)."""


class NewerDatabase(DataFolderError):
    """The database was written by a newer version of the program (a higher schema version)."""
