#!/usr/bin/env python3
"""The sample with one deliberate bug, to show the gate catching it: compacted offsets ignore the 64-byte
alignment flag CPUID.(0xD,i).ECX[1] (the historical KVM bug H13 of SPEC part E).

    ./run-conformance.sh check --impl process:"python3 samples/python/xsave_server_unaligned.py"   # fails
"""
import xsave_server

xsave_server.NAME = "pyxsave-unaligned"
xsave_server.align64 = lambda offset: offset  # the bug: no rounding up to 64 bytes

if __name__ == "__main__":
    xsave_server.main()
