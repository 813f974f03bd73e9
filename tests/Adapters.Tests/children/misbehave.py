#!/usr/bin/env python3
"""A deliberately misbehaving implementation for the adapter's robustness tests: the Python sample
(samples/python/xsave_server.py) answering correctly, except for what MODE (argv[1]) breaks. ARG (argv[2]) is a file
for the modes that need one."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "samples", "python"))
import xsave_server  # noqa: E402

mode = sys.argv[1]
arg = sys.argv[2] if len(sys.argv) > 2 else None


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def crash(status, message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
    os._exit(status)


if mode == "exit-at-start":
    crash(7, "cannot initialise: no licence")

for line in sys.stdin:
    request = json.loads(line)
    rid = request["id"]
    if request["method"] == "hello":
        result = xsave_server.answer(request)
        if mode == "old-protocol":
            result["protocol"] = 0
        send({"id": rid, "result": result})
        continue
    if mode == "crash":
        crash(3, "panic: index out of range")
    if mode == "crash-on-check-xss" and request["method"] == "check_xss":
        crash(4, "panic: no XSS support")
    if mode == "crash-first-time" and not os.path.exists(arg):
        open(arg, "w").close()
        crash(5, "first run: crashing once")
    if mode == "hang":
        time.sleep(3600)
    if mode == "hang-with-grandchild":
        grandchild = subprocess.Popen(["sleep", "3600"])
        with open(arg, "w") as f:
            f.write(str(grandchild.pid))
        time.sleep(3600)
    if mode == "garbage":
        print("this is not JSON", flush=True)
        continue
    if mode in ("partial-then-exit", "partial-then-hang"):
        sys.stdout.write('{"id": %d, "resu' % rid)
        sys.stdout.flush()
        if mode == "partial-then-exit":
            os._exit(0)
        time.sleep(3600)
    if mode == "wrong-id":
        send({"id": rid + 100, "result": 576})
        continue
    if mode == "error-value":
        send({"id": rid, "error": "standard_size is not implemented here"})
        mode = "fine"  # only once
        continue
    if mode == "stderr-flood":
        sys.stderr.write("noise " * 50000 + "\n")
        sys.stderr.flush()
    send({"id": rid, "result": xsave_server.answer(request)})

if mode == "ignore-eof":
    time.sleep(3600)
