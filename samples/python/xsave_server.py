#!/usr/bin/env python3
"""A sample implementation for xsave-conformance, outside .NET: Python 3, standard library only.

It speaks the process protocol of docs/protocol.md (version 1) on stdin/stdout and answers two parts of the
contract from CPUID leaf 0xD alone: the XSAVE layouts and sizes (SPEC R12-R16) and the validity of XCR0,
IA32_XSS and IA32_XFD values (R8-R11). Check it with:

    ./run-conformance.sh check --impl process:"python3 samples/python/xsave_server.py"
"""
import json
import sys

NAME = "pyxsave"
LEGACY = {0: (0, 160), 1: (160, 256)}  # x87 and SSE live in the 512-byte legacy region (R12)
EXTENDED_START = 576                   # after the legacy region and the 64-byte XSAVE header (R13)
BIT63 = 1 << 63                        # XCOMP_BV[63] selects the compacted format; never a component


def parse_mask(value):
    """A mask as the protocol writes it ("0x2e7"); plain numbers are accepted too."""
    return value if isinstance(value, int) else int(value, 16)


def bits_of(mask):
    return [i for i in range(64) if mask >> i & 1]


class Cpu:
    """CPUID leaf 0xD of one CPU, decoded as SPEC R4-R6 say."""

    def __init__(self, model):
        self.leaf = {int(sub): [int(reg, 16) for reg in regs] for sub, regs in model["leaf0d"].items()}

    def sub(self, i):
        return self.leaf.get(i, [0, 0, 0, 0])  # a sub-leaf not listed reads as zeros

    def supported_xcr0(self):
        eax, _, _, edx = self.sub(0)
        return edx << 32 | eax

    def supported_xss(self):
        _, _, ecx, edx = self.sub(1)
        return edx << 32 | ecx

    def has_xsaves(self):
        return bool(self.sub(1)[0] >> 3 & 1)

    def has_xfd(self):
        return bool(self.sub(1)[0] >> 4 & 1)

    def size(self, i):
        return self.sub(i)[0] if i >= 2 else 0

    def offset(self, i):
        return self.sub(i)[1] if i >= 2 else 0

    def aligned(self, i):
        return i >= 2 and bool(self.sub(i)[2] >> 1 & 1)

    def xfd_capable(self, i):
        return i >= 2 and bool(self.sub(i)[2] >> 2 & 1)


def align64(offset):
    return (offset + 63) // 64 * 64


def placement(index, offset, size):
    return {"Index": index, "Offset": offset, "Size": size}


def legacy_placements(mask):
    return [placement(i, *LEGACY[i]) for i in (0, 1) if mask >> i & 1]


def standard_layout(cpu, mask):
    """R14: each user component at its CPUID offset; the size is the furthest end, at least 576."""
    present = mask & cpu.supported_xcr0()
    placements = legacy_placements(present)
    placements += [placement(i, cpu.offset(i), cpu.size(i)) for i in bits_of(present) if i >= 2]
    size = max([EXTENDED_START] + [p["Offset"] + p["Size"] for p in placements if p["Index"] >= 2])
    return {"Format": "Standard", "Components": hex(present), "Size": size, "Placements": placements}


def compacted_layout(cpu, xcomp_bv):
    """R15: components 2..62 packed in order from 576, each 64-byte aligned when ECX[1] says so."""
    present = xcomp_bv & ~BIT63
    placements = legacy_placements(present)
    offset = EXTENDED_START
    for i in range(2, 63):
        if present >> i & 1:
            if cpu.aligned(i):
                offset = align64(offset)
            placements.append(placement(i, offset, cpu.size(i)))
            offset += cpu.size(i)
    return {"Format": "Compacted", "Components": hex(present), "Size": offset, "Placements": placements}


def validity(rejections):
    """Only the codes, in order, are compared; rule and reason are for people."""
    return {"Rejections": [{"Rule": rule, "Code": code, "Reason": reason} for rule, code, reason in rejections]}


def check_xcr0(cpu, v):
    """R8, R9: what XSETBV refuses."""
    def some_not_all(group):
        return 0 < v & group != group
    checks = [
        (not v & 1, "R8", "X87Missing", "bit 0 (x87) must be set"),
        (v & 0b110 == 0b100, "R8", "AvxWithoutSse", "bit 2 (AVX) requires bit 1 (SSE)"),
        (v & ~cpu.supported_xcr0(), "R8", "Xcr0Unsupported", "bits outside the supported XCR0"),
        (some_not_all(0b11 << 3), "R9", "MpxHalf", "bits 3 and 4 (MPX) must be set together"),
        (some_not_all(0b111 << 5), "R9", "Avx512Partial", "bits 5-7 (AVX-512) must be set together"),
        (v & 0b111 << 5 and not v & 0b100, "R9", "Avx512WithoutAvx", "bits 5-7 (AVX-512) require bit 2 (AVX)"),
        (some_not_all(0b11 << 17), "R9", "AmxHalf", "bits 17 and 18 (AMX) must be set together"),
    ]
    return validity((rule, code, reason) for failed, rule, code, reason in checks if failed)


def check_xss(cpu, v):
    """R10: what WRMSR IA32_XSS refuses."""
    checks = [
        (v and not cpu.has_xsaves(), "R10", "XssWithoutXsaves", "the CPU has no XSAVES"),
        (v & ~cpu.supported_xss(), "R10", "XssUnsupported", "bits outside the supported IA32_XSS"),
    ]
    return validity((rule, code, reason) for failed, rule, code, reason in checks if failed)


def check_xfd(cpu, v):
    """R11: what WRMSR IA32_XFD refuses."""
    not_capable = [i for i in bits_of(v) if not cpu.xfd_capable(i)]
    checks = [
        (v and not cpu.has_xfd(), "R11", "XfdAbsent", "the CPU has no XFD"),
        (cpu.has_xfd() and not_capable, "R11", "XfdNotCapable", "bits %s are not XFD-capable" % not_capable),
    ]
    return validity((rule, code, reason) for failed, rule, code, reason in checks if failed)


ARCHITECTURE = {
    "standard_size": lambda cpu, r: standard_layout(cpu, parse_mask(r["mask"]))["Size"],
    "compacted_size": lambda cpu, r: compacted_layout(cpu, parse_mask(r["mask"]))["Size"],
    "standard_layout": lambda cpu, r: standard_layout(cpu, parse_mask(r["mask"])),
    "compacted_layout": lambda cpu, r: compacted_layout(cpu, parse_mask(r["mask"])),
    "check_xcr0": lambda cpu, r: check_xcr0(cpu, parse_mask(r["value"])),
    "check_xss": lambda cpu, r: check_xss(cpu, parse_mask(r["value"])),
    "check_xfd": lambda cpu, r: check_xfd(cpu, parse_mask(r["value"])),
}


def answer(request):
    method = request.get("method")
    if method == "hello":
        return {"protocol": 1, "name": NAME, "description": "the Python sample (samples/python)",
                "parts": ["layout", "register_validity"], "fixed_cpu": None, "observes_internal_state": False}
    if method not in ARCHITECTURE:
        raise ValueError("unknown method %r" % method)
    return ARCHITECTURE[method](Cpu(request["cpu"]), request)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as e:
            response = {"id": None, "error": "the request is not JSON: %s" % e}
        else:
            try:
                response = {"id": request.get("id"), "result": answer(request)}
            except Exception as e:  # an error is a value: the runner reports it, we go on
                response = {"id": request.get("id"), "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(response, separators=(",", ":")) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
