#!/usr/bin/env python3
"""A stand-in for native/xsave-cpu that declares the instructions part, then misbehaves on "execute".

Usage: instructions_child.py MODE   (crash: exit 9 with a message on stderr; hang: never answer)
Tests use it to show that a helper crash or hang is a harness error of that request, never a crash of the runner.
"""
import json
import os
import sys
import time

mode = sys.argv[1]
CPU = {"id": "child", "vendor": "GenuineIntel", "family": 6, "model": 1, "mxcsr_mask": "0xffff",
       "leaf0d": {"0": ["0x7", "0x340", "0x340", "0x0"], "1": ["0x7", "0x0", "0x0", "0x0"],
                  "2": ["0x100", "0x240", "0x0", "0x0"]},
       "flags": {"xsave": True, "avx": True}}
MACHINE = {"Xcr0": "0x7", "Cpl": 3, "Cr4Osxsave": True, "Cr0Ts": False, "Xfd": "0x0", "MemoryGranularity": 64,
           "InitReset": False, "X87RegisterFieldsOnly": True}

for line in sys.stdin:
    request = json.loads(line)
    if request["method"] == "hello":
        result = {"protocol": 1, "name": "instructions-child", "parts": ["instructions"], "fixed_cpu": CPU,
                  "fixed_machine": MACHINE, "observes_internal_state": False}
        sys.stdout.write(json.dumps({"id": request["id"], "result": result}) + "\n")
        sys.stdout.flush()
        continue
    if mode == "crash":
        sys.stderr.write("SIGSEGV in the helper itself\n")
        sys.stderr.flush()
        os._exit(9)
    time.sleep(3600)
