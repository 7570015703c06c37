"""Work: the handle an ``async_op=True`` call returns; ``wait()`` finishes it."""
from ._mpi import mpi


class Work:
    """Pending MPI requests and what to do once they complete (copy results back into the tensors)."""

    def __init__(self, requests, finish=None, tensors=()):
        self._requests = requests
        self._finish = finish
        self._tensors = list(tensors)
        self._status = None

    def _progress(self, block):
        """Whether the requests are done (waiting for them when ``block``); runs ``finish`` once they are."""
        if self._requests:
            MPI = mpi()
            status = MPI.Status()
            if len(self._requests) == 1:
                done = self._requests[0].Wait(status) if block else self._requests[0].Test(status)
            else:
                done = MPI.Request.Waitall(self._requests) if block else MPI.Request.Testall(self._requests)
            if not done:
                return False
            self._requests, self._status = [], status
        if self._finish is not None:
            finish, self._finish = self._finish, None
            finish()
        return True

    def wait(self, timeout=None):
        """Block until the operation is done; returns True as torch's Work does."""
        return self._progress(block=True)

    def is_completed(self):
        return self._progress(block=False)

    def is_success(self):
        return self.is_completed()

    def result(self):
        """The tensors the operation wrote."""
        self.wait()
        return self._tensors

    def source_rank(self):
        """The global rank a finished ``irecv`` received from."""
        self.wait()
        return self._status.Get_source()


def issue(requests, finish, tensors, async_op):
    """A Work for the requests when ``async_op``; otherwise wait for them here and return None."""
    work = Work(requests, finish, tensors)
    if async_op:
        return work
    work.wait()
    return None
