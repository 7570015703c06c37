"""SummaryWriter: torch.utils.tensorboard's writer on top of tensorboardX, taking ember tensors."""
import functools
import os
import time

from ...tensor import Tensor
from ._graph import graph
from ._tensorboardx import event_pb2, summary, tensorboardX

# The writer methods whose arguments may hold tensors; tensorboardX takes numpy arrays.
_TENSOR_TAKING = ("add_scalar", "add_histogram", "add_image", "add_images", "add_image_with_boxes",
                  "add_embedding", "add_pr_curve", "add_pr_curve_raw", "add_mesh", "add_video", "add_audio",
                  "add_hparams")


def _to_numpy(value):
    if isinstance(value, Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {k: _to_numpy(v) for k, v in value.items()}
    return value


def _taking_tensors(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        return method(self, *map(_to_numpy, args), **{k: _to_numpy(v) for k, v in kwargs.items()})
    return wrapper


class SummaryWriter(tensorboardX.SummaryWriter):
    """Writes TensorBoard event files under ``log_dir`` (default ``runs/CURRENT_DATETIME_HOSTNAME``).

    Same constructor and ``add_*`` methods as ``torch.utils.tensorboard.SummaryWriter``; values may be ember
    tensors, numpy arrays or python numbers.
    """

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        super().__init__(logdir=log_dir, comment=comment, purge_step=purge_step, max_queue=max_queue,
                         flush_secs=flush_secs, filename_suffix=filename_suffix)

    @property
    def log_dir(self):
        return self.logdir

    def get_logdir(self):
        return self.logdir

    def add_scalars(self, main_tag, tag_scalar_dict, global_step=None, walltime=None):
        """Several scalars on one chart; each is written to its own run ``log_dir/<main_tag>_<tag>``, as torch's."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            run = os.path.join(self.logdir, f"{main_tag.replace('/', '_')}_{tag}")
            if run not in self.all_writers:
                self.all_writers[run] = tensorboardX.FileWriter(run, self._max_queue, self._flush_secs,
                                                                self._filename_suffix)
            self.all_writers[run].add_summary(summary.scalar(main_tag, _to_numpy(value)), global_step, walltime)

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """Draw ``model``'s op graph, traced from one ember forward pass on ``input_to_model``."""
        graph_def = graph(model, input_to_model)
        if verbose:
            print(graph_def)
        self._get_file_writer().add_event(event_pb2.Event(graph_def=graph_def.SerializeToString()))


for _name in _TENSOR_TAKING:
    setattr(SummaryWriter, _name, _taking_tensors(getattr(tensorboardX.SummaryWriter, _name)))
