"""The DataLoader's internals: collation, fetching from datasets, the worker process loop."""
MP_STATUS_CHECK_INTERVAL = 5.0  # seconds a worker waits for an index before checking that its parent still lives
