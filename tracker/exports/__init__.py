"""CSV exports: the tables the command line writes and the lists' *Export CSV* downloads stream."""
