"""Staff reads of personal data at rate: the login, the scope, the record and its audit entry settled for many
requests at once, in one transaction (see docs/staff-api.md)."""
