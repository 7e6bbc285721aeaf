"""Running a fake on its own: `python -m fakes.yts --port 0 --mode 503` serves until SIGTERM or SIGINT."""

import argparse
import signal
import sys
import threading

from fakes.faults import MODES


class CommandLine:
    """The command line of a fake: subclasses add their own options by extending argument_parser() and options()."""

    default_port = 0

    @classmethod
    def argument_parser(cls):
        # Under `python -m` the class lives in __main__; its spec still knows the module's real name.
        spec = getattr(sys.modules[cls.__module__], "__spec__", None)
        module = spec.name if spec else cls.__module__
        parser = argparse.ArgumentParser(prog=f"python -m {module}", description=cls.__doc__)
        parser.add_argument("--port", type=int, default=cls.default_port, help="0 picks a free port")
        parser.add_argument("--latency", type=float, default=0.0, help="seconds slept before each answer")
        parser.add_argument("--failure-rate", type=float, default=0.0, help="fraction of requests answered 500")
        parser.add_argument("--mode", choices=MODES, default="ok", help="fault injected into every answer")
        parser.add_argument("--seed", type=int, default=0, help="seed of the failure-rate draws")
        parser.add_argument("--log", action="store_true", help="log each request to stderr")
        return parser

    @classmethod
    def options(cls, args):
        """Constructor keywords from the parsed command line."""
        return {
            "port": args.port,
            "latency": args.latency,
            "failure_rate": args.failure_rate,
            "mode": args.mode,
            "seed": args.seed,
            "log_requests": args.log,
        }

    @classmethod
    def main(cls, argv=None):
        """Serve until SIGTERM or SIGINT, then exit 0."""
        parser = cls.argument_parser()
        args = parser.parse_args(argv)
        try:
            fake = cls(**cls.options(args))
        except ValueError as exc:
            parser.error(str(exc))  # exits 2 with the usage, as for any other bad option
        done = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: done.set())
        with fake:
            print(f"listening on {fake.root_url}", flush=True)
            # Polled so that the signal handler runs promptly in the main thread.
            while not done.wait(0.2):
                pass
        return 0
