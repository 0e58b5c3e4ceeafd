"""Retention and the person's rights under the Personal Information Protection Law: personal data anonymised once
its purpose is achieved (art. 47), and everything held about one person exported (art. 45)."""
