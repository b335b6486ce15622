"""CSV exports of delegations and requests, for the command line now and for the web's export later."""
