"""``python -m ember run script.py [args...]`` runs an unmodified PyTorch script on ember."""
import sys

_USAGE = "usage: python -m ember run script.py [args...]"


def main(argv):
    if len(argv) < 2 or argv[0] != "run":
        print(_USAGE, file=sys.stderr)
        return 2
    from .compat.run import print_script_traceback, run_script
    try:
        run_script(argv[1], argv[2:])
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as error:
        print_script_traceback(error, argv[1])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
