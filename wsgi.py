import gc

from tracker import create_app

app = create_app()
# The app's own objects (templates, models, SQLAlchemy's and Flask's tables: 150,000 at start) are never freed: out of
# the collector's reach, a full collection takes 11 ms rather than 77, which had come as a spike in a page's p95.
gc.freeze()
