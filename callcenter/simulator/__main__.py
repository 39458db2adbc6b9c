"""`python -m callcenter.simulator --port 5038 [--demo] [--stream N --concurrent K]`.

Prints `listening HOST:PORT` as its first line once it accepts connections, then serves until
SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

from callcenter.simulator.pbx import SimulatedPbx
from callcenter.simulator.stream import build_stream


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m callcenter.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038, help="0 picks a free port")
    parser.add_argument("--username", default="callcenter")
    parser.add_argument("--secret", default="callcenter")
    parser.add_argument("--demo", action="store_true", help="start a demo call every interval")
    parser.add_argument("--interval", type=float, default=6.0, help="seconds between demo calls")
    parser.add_argument("--stream", type=int, metavar="N", help="send N calls after each login")
    parser.add_argument(
        "--concurrent",
        type=int,
        default=1,
        metavar="K",
        help="calls live at once in the --stream bytes",
    )
    parser.add_argument("--timestamps", action="store_true", help="Timestamp: in --stream")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    pbx = SimulatedPbx(host=args.host, port=args.port, username=args.username, secret=args.secret)
    if args.stream:
        pbx.after_login = build_stream(
            args.stream, concurrent=args.concurrent, timestamps=args.timestamps
        )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with pbx:
        print(f"listening {args.host}:{pbx.port}", flush=True)
        if args.demo:
            await pbx.play_demo(stop, interval=args.interval)
        else:
            await stop.wait()


def main(argv: list[str] | None = None) -> int:
    asyncio.run(serve(parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
