"""What every file import shares — lab samples and results, venue scans: the record of each file accepted (its
digest makes the same bytes a second time a no-op), the summary and progress an import reports, the readers of
a file's rows with the errors that name the row and column, and the bulk path that writes the rows."""
