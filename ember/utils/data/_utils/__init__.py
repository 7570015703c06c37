"""The DataLoader's internals: collation, fetching from datasets, the worker process loop."""
MP_STATUS_CHECK_INTERVAL = 5.0  # seconds the main process waits for a stopping worker before terminating it
# How often an idle worker checks that it should stop: its stop message can be lost when the iterator dies in a
# garbage cycle, as the queue's own finalizer may stop the queue's feeder thread before the iterator's __del__.
WORKER_POLL_INTERVAL = 0.2
