"""Campuses (issue 21, measure 18): the registry of schools and universities, outbreak responses and their tasks,
closures under the over-reach guard."""
