#!/usr/bin/env python3
"""Times a translator's cold start: from just before the process is started to the first byte of its first
translation on standard output, which it writes once it has loaded the checkpoint and decoded the sentence.

    python3 examples/Translate/tools/cold_start.py [--runs N] -- <command> decode --checkpoint <path> [--beam W]

Prints every run and the median in milliseconds. The operating system's file cache is warm after the first run (the
program and the checkpoint are read from memory); nothing else is shared between runs.
"""
import argparse
import statistics
import subprocess
import sys
import time

SENTENCE = b"I'm wide awake.\n"


def one_run(command):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdin.write(SENTENCE)
    process.stdin.close()
    first = process.stdout.read(1)
    elapsed = time.perf_counter() - start
    rest = process.stdout.read()
    error = process.stderr.read()
    if process.wait() != 0 or not first:
        sys.exit(f"{' '.join(command)} failed (exit code {process.returncode}): {error.decode(errors='replace')}")
    return elapsed * 1000, (first + rest).decode().strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11, help="timed runs after one untimed warm-up run (default 11)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the program and its decode arguments, after --")
    arguments = parser.parse_args()
    command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
    if not command or arguments.runs < 1:
        parser.error("give at least one run and the command to time after --")

    one_run(command)
    times = []
    for run in range(arguments.runs):
        milliseconds, translation = one_run(command)
        times.append(milliseconds)
        print(f"run {run + 1:2}: {milliseconds:7.1f} ms  ({translation!r})")
    print(f"median of {len(times)}: {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f})")


if __name__ == "__main__":
    main()
