"""Services for people under closure (measure 17): the needs list, receiving points and hotline records."""
