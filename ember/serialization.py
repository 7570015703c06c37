"""ember.save / ember.load in PyTorch's zip checkpoint format, so a file saved by either library loads in the other.

A checkpoint is a zip archive (stored, records 64-byte aligned) of records under ``<archive name>/``: ``data.pkl``
(the object, pickled with tensors as torch's rebuild calls), one ``data/<key>`` record of raw little-endian bytes
per storage, and small ``.format_version``, ``.storage_alignment``, ``byteorder``, ``version`` and
``.data/serialization_id`` records.
"""
import contextlib
import io
import os
import stat
import struct
import tempfile
import zipfile

import numpy as np

from ._torch_pickle import TorchPickler, TorchUnpickler, add_safe_globals
from .device import device
from .tensor import Tensor, _wrap

__all__ = ["save", "load", "add_safe_globals"]

_ALIGNMENT = 64
_LOCAL_HEADER_SIZE = 30
_ZIP64_EXTRA_SIZE = 20
_READ_ERRORS = (zipfile.BadZipFile, EOFError, struct.error)


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Write ``obj`` to ``f`` (a path or a binary file object) in torch.save's format; torch.load reads it.

    A path is written atomically: into a temporary file in the same folder, flushed to disk, then renamed over
    ``f``, so a crash or a full disk mid-save leaves the previous checkpoint intact. ``pickle_module``,
    ``pickle_protocol`` and ``_use_new_zipfile_serialization`` are accepted for torch's signature: the file is
    always torch's zip format with pickle protocol 2.
    """
    buffer = io.BytesIO()
    pickler = TorchPickler(buffer)
    pickler.dump(obj)
    storages = list(pickler.storages.values())
    if isinstance(f, (str, os.PathLike)):
        _replace_atomically(os.fspath(f), lambda fh, name: _write_archive(fh, name, buffer.getvalue(), storages))
    else:
        _write_archive(f, "archive", buffer.getvalue(), storages)


def _write_archive(fh, name, pickled, storages):
    records = [("data.pkl", pickled), (".format_version", b"1"), (".storage_alignment", str(_ALIGNMENT).encode()),
               ("byteorder", b"little")]
    records += [(f"data/{s.key}", s.array.astype(s.array.dtype.newbyteorder("<"), copy=False).view(np.uint8))
                for s in storages]
    records += [("version", b"3\n"), (".data/serialization_id", _serialization_id())]
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED) as archive:
        for record, data in records:
            _write_record(archive, f"{name}/{record}", data)


def _serialization_id():
    """A random 40-digit id, the form of the one torch writes."""
    return f"{int.from_bytes(os.urandom(16), 'little'):040d}".encode()


def _write_record(archive, path, data):
    """One stored record whose data starts on a 64-byte boundary (padding in an 'FB' extra field, as torch)."""
    info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
    info.file_size = len(memoryview(data))
    zip64 = _ZIP64_EXTRA_SIZE if info.file_size * 1.05 > zipfile.ZIP64_LIMIT else 0
    header_end = archive.start_dir + _LOCAL_HEADER_SIZE + len(path.encode()) + 4 + zip64
    pad = -header_end % _ALIGNMENT
    info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
    with archive.open(info, "w") as dest:
        dest.write(data)


def _archive_name(path):
    """torch's record folder for a file: its name up to the last dot."""
    base = os.path.basename(path)
    return base[:base.rfind(".")] if base.rfind(".") > 0 else base


def _replace_atomically(path, write):
    """``write(file, archive_name)`` into a temporary file beside ``path``, then rename it over ``path``."""
    path = os.path.realpath(path)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {folder} does not exist.")
    mode = _file_mode(path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh, _archive_name(path))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)


def _file_mode(path):
    """The permissions the saved file gets: the old file's, or what a plain open() would give."""
    if os.path.exists(path):
        return stat.S_IMODE(os.stat(path).st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder):
    """Flush the rename itself to disk (where the platform can open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None, **pickle_load_args):
    """Read an object saved by ``ember.save`` or ``torch.save`` (zip format) from a path or a binary file object.

    With ``weights_only=True`` (the default, as in torch >= 2.6) only tensors, parameters, dtypes, sizes,
    primitive types and containers are rebuilt; any other global in the file is refused with
    ``pickle.UnpicklingError`` naming it. ``weights_only=False`` unpickles arbitrary objects (a whole Module, say):
    unpickling runs whatever callables the file names, so a malicious file executes arbitrary code. Use it only
    for files you trust. ``map_location`` may be a device, a string, a dict or a callable
    ``(storage, location) -> storage`` as in torch; every tensor lands on the CPU. ``mmap=True`` maps the storages
    of a file given by path instead of reading them (copy-on-write). ``pickle_load_args`` (``encoding=...``) go
    to the unpickler.
    """
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    _check_map_location(map_location)
    is_path = isinstance(f, (str, os.PathLike))
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    name = os.fspath(f) if is_path else getattr(f, "name", type(f).__name__)
    with open(f, "rb") if is_path else contextlib.nullcontext(f) as fh:
        fh = fh if getattr(fh, "seekable", lambda: False)() else io.BytesIO(fh.read())
        _check_zip_signature(fh, name)
        try:
            with zipfile.ZipFile(fh) as archive:
                return _read_archive(archive, name, f if mmap else None, map_location, weights_only,
                                     pickle_load_args)
        except _READ_ERRORS as e:
            raise _corrupt(name, str(e)) from e


def _corrupt(name, what):
    return RuntimeError(f"ember.load: failed reading zip archive '{name}': {what}. The checkpoint is corrupted or "
                        "truncated: it was not saved completely, was transferred incorrectly or was modified after "
                        "saving.")


def _check_zip_signature(fh, name):
    start = fh.tell()
    head = fh.read(4)
    fh.seek(start)
    if head == b"PK\x03\x04":
        return
    if head[:1] == b"\x80":
        raise RuntimeError(f"ember.load: '{name}' is in torch's legacy (non-zip) format, which ember does not read; "
                           "load it in torch and save it again with torch.save (torch >= 1.6 writes the zip format)")
    raise _corrupt(name, "the file is empty" if not head else "not a zip file")


def _check_map_location(map_location):
    if map_location is None or callable(map_location) or isinstance(map_location, (device, dict)):
        return
    if not isinstance(map_location, str):
        raise TypeError(f"map_location should be a str, a device, a dict or a callable, got "
                        f"{type(map_location).__name__}")
    device(map_location)


def _read_archive(archive, name, mmap_path, map_location, weights_only, pickle_load_args):
    names = set(archive.namelist())
    pickles = sorted(n for n in names if n.endswith("/data.pkl") and n.count("/") == 1)
    if not pickles:
        raise _corrupt(name, "no data.pkl record")
    prefix = pickles[0][:-len("/data.pkl")]
    big_endian = f"{prefix}/byteorder" in names and archive.read(f"{prefix}/byteorder") == b"big"
    raw = {}

    def storage(np_dtype, key, location):
        record = f"{prefix}/data/{key}"
        if key not in raw:
            if record not in names:
                raise _corrupt(name, f"storage record data/{key} missing")
            raw[key] = _read_storage(archive, record, mmap_path, map_location, location)
            if raw[key].size % np_dtype.itemsize:
                raise _corrupt(name, f"storage data/{key} of {raw[key].size} bytes cannot hold {np_dtype} elements")
            if big_endian:
                raw[key].view(np_dtype).byteswap(inplace=True)
        return raw[key].view(np_dtype)

    pickled = io.BytesIO(archive.read(f"{prefix}/data.pkl"))
    return TorchUnpickler(pickled, storage, weights_only, **pickle_load_args).load()


def _read_storage(archive, record, mmap_path, map_location, location):
    """A storage record's bytes as a writable uint8 array (mapped from the file when ``mmap_path`` is given)."""
    info = archive.getinfo(record)
    if mmap_path is None or not info.file_size:
        data = np.frombuffer(archive.read(info), np.uint8).copy()
    else:
        data = np.memmap(mmap_path, np.uint8, mode="c", offset=_data_offset(archive, info), shape=(info.file_size,))
    if callable(map_location):
        moved = map_location(_wrap(data), location)
        data = moved._array.reshape(-1) if isinstance(moved, Tensor) else data
    return data


def _data_offset(archive, info):
    """Where a stored record's bytes start in the file (after its local header)."""
    if info.compress_type != zipfile.ZIP_STORED:
        raise RuntimeError(f"ember.load: mmap needs uncompressed records, but {info.filename} is compressed")
    archive.fp.seek(info.header_offset)
    name_length, extra_length = struct.unpack("<HH", archive.fp.read(_LOCAL_HEADER_SIZE)[26:30])
    return info.header_offset + _LOCAL_HEADER_SIZE + name_length + extra_length
