"""A minimal SM83 (Game Boy CPU) assembler for the synthetic test ROM (testrom.py).

``Asm.op("ld a,(nn)", 0xD35E)`` emits one instruction by its mnemonic; ``jr``/``jp``
take labels, resolved by ``assemble``. Only the instructions the test ROM uses are in
the table; an unknown mnemonic is a KeyError naming it.
"""

from __future__ import annotations

LY, LCDC, BGP, JOYP = 0x44, 0x40, 0x47, 0x00  # hardware registers (ldh offsets)
REGS = ("b", "c", "d", "e", "h", "l", "(hl)", "a")
ALU = ("add a,", "adc a,", "sub ", "sbc a,", "and ", "xor ", "or ", "cp ")


def _opcode_table() -> dict[str, int]:
    ops = {
        "nop": 0x00, "di": 0xF3, "ret": 0xC9, "ret z": 0xC8, "ret nz": 0xC0, "cpl": 0x2F,
        "inc bc": 0x03, "inc de": 0x13, "inc hl": 0x23, "dec bc": 0x0B, "dec de": 0x1B,
        "add hl,bc": 0x09, "add hl,de": 0x19, "add hl,hl": 0x29,
        "ld (hl+),a": 0x22, "ld a,(hl+)": 0x2A, "ld (de),a": 0x12, "ld a,(de)": 0x1A,
        "push bc": 0xC5, "pop bc": 0xC1, "push de": 0xD5, "pop de": 0xD1,
        "push hl": 0xE5, "pop hl": 0xE1, "push af": 0xF5, "pop af": 0xF1,
        "ldh (n),a": 0xE0, "ldh a,(n)": 0xF0, "ld (nn),a": 0xEA, "ld a,(nn)": 0xFA,
        "add a,n": 0xC6, "sub n": 0xD6, "and n": 0xE6, "or n": 0xF6, "xor n": 0xEE,
        "cp n": 0xFE, "jp nn": 0xC3, "jp z,nn": 0xCA, "jp nz,nn": 0xC2, "jp c,nn": 0xDA,
        "call nn": 0xCD,
        "ld sp,nn": 0x31, "ld hl,nn": 0x21, "ld de,nn": 0x11, "ld bc,nn": 0x01,
        "swap a": 0xCB37,
    }  # fmt: skip
    for k, r in enumerate(REGS):
        ops[f"ld {r},n"] = 0x06 + 8 * k
        ops[f"inc {r}"] = 0x04 + 8 * k
        ops[f"dec {r}"] = 0x05 + 8 * k
        for j, src in enumerate(REGS):
            if (r, src) != ("(hl)", "(hl)"):  # 0x76 is halt
                ops[f"ld {r},{src}"] = 0x40 + 8 * k + j
        for j, alu in enumerate(ALU):
            ops[f"{alu}{r}"] = 0x80 + 8 * j + k
    return ops


OPS = _opcode_table()
JR = {"jr": 0x18, "jr nz": 0x20, "jr z": 0x28, "jr nc": 0x30, "jr c": 0x38}


class Asm:
    """Emit instructions at ``origin``; ``label`` names the current address."""

    def __init__(self, origin: int):
        self.origin, self.code = origin, bytearray()
        self.labels: dict[str, int] = {}
        self.fixups: list[tuple[int, str, str]] = []  # (offset, label, kind)

    @property
    def here(self) -> int:
        return self.origin + len(self.code)

    def label(self, name: str) -> None:
        if name in self.labels:
            raise ValueError(f"label {name} defined twice")
        self.labels[name] = self.here

    def op(self, name: str, arg: int | None = None) -> None:
        code = OPS[name]
        self.code += code.to_bytes(2, "big") if code > 0xFF else bytes([code])
        operands = name.split(" ", 1)[1].split(",") if " " in name else []
        if "nn" in operands or "(nn)" in operands:
            self.code += int(arg).to_bytes(2, "little")
        elif "n" in operands or "(n)" in operands:
            self.code.append(int(arg) & 0xFF)

    def ops(self, *names: str) -> None:
        """Several instructions without operands."""
        for name in names:
            self.op(name)

    def jr(self, cond: str, target: str) -> None:
        self.code += bytes([JR[cond], 0])
        self.fixups.append((len(self.code) - 1, target, "rel"))

    def jp(self, name: str, target: str) -> None:
        self.code += bytes([OPS[name], 0, 0])
        self.fixups.append((len(self.code) - 2, target, "abs"))

    def assemble(self) -> bytes:
        for off, target, kind in self.fixups:
            if target not in self.labels:
                raise ValueError(f"jump to undefined label {target}")
            addr = self.labels[target]
            if kind == "abs":
                self.code[off : off + 2] = addr.to_bytes(2, "little")
            else:
                delta = addr - (self.origin + off + 1)
                if not -128 <= delta <= 127:
                    raise ValueError(f"jr to {target} out of range ({delta})")
                self.code[off] = delta & 0xFF
        return bytes(self.code)
