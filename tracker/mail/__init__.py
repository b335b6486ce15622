"""Email: building safe messages and handing them to SMTP or to files (the transport named by TRACKER_MAIL_URL)."""
