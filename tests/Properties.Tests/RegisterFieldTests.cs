using FsCheck;
using FsCheck.Fluent;
using Xsave.Contract;
using Xsave.Contract.Implementations;
using Xsave.Contract.Machine;
using Xsave.Properties.Generators;

namespace Xsave.Properties.Tests;

/// <summary>
/// docs/findings.md F5/F8: on a fixed machine PKRU and BNDCSR hold only their registers (SDM Vol. 1 13.5.4: BNDCFGU in
/// bytes 7:0, BNDSTATUS in 15:8 of a 64-byte section; 13.5.7: PKRU in bytes 3:0 of 8), and BNDPRESERVE goes with
/// BNDCFGU.EN (SDM Vol. 1 17.3: otherwise every branch initializes BND0-3).
/// </summary>
public class RegisterFieldTests
{
    // Offsets and sizes as QEMU's max model reports them (docs/findings.md table: XCR0 0x21f).
    private static readonly CpuModel Cpu = new()
    {
        Id = "test-mpx-pkru",
        Leaf0D = new Dictionary<int, CpuidRegs>
        {
            [0] = new(0x21F, 0xAC0, 0xAC0, 0), [1] = new(0x5, 0, 0, 0), [2] = new(0x100, 0x240, 0, 0),
            [3] = new(0x40, 0x3C0, 0, 0), [4] = new(0x40, 0x400, 0, 0), [9] = new(0x8, 0xA80, 0, 0),
        },
    };

    private static readonly MachineConstraints OnFixed =
        new MachineConstraints().On(new FixedMachine(new FeatureMask(0x21F), 3, true, false, FeatureMask.None, 64, false, true));

    [Fact]
    public void Canonicalize_keeps_the_register_bytes_and_clears_the_rest()
    {
        var pkru = Enumerable.Repeat((byte)0xAB, 8).ToArray();
        RegisterFields.Canonicalize(9, pkru);
        Assert.Equal(new byte[] { 0xAB, 0xAB, 0xAB, 0xAB, 0, 0, 0, 0 }, pkru);

        var bndcsr = Enumerable.Repeat((byte)0xA5, 64).ToArray();   // 0xA5: EN = 1, BNDPRESERVE = 0
        RegisterFields.Canonicalize(4, bndcsr);
        Assert.Equal(0xA7, bndcsr[0]);                             // BNDPRESERVE set with EN
        Assert.All(bndcsr[1..16], b => Assert.Equal(0xA5, b));
        Assert.All(bndcsr[16..], b => Assert.Equal(0, b));

        var avx = Enumerable.Repeat((byte)0x11, 256).ToArray();
        RegisterFields.Canonicalize(2, avx);
        Assert.All(avx, b => Assert.Equal(0x11, b));               // not in the table: untouched
    }

    [Fact]
    public void States_for_a_fixed_machine_hold_register_fields_only()
    {
        Assert.True(OnFixed.RegisterFieldsOnly);
        var states = Gen.Sample(MachineGen.State(Cpu, OnFixed), 400, new Rnd(7UL), 50);
        Assert.All(states, s =>
        {
            Assert.All(s.Component(9).AsSpan()[4..].ToArray(), b => Assert.Equal(0, b));
            Assert.All(s.Component(4).AsSpan()[16..].ToArray(), b => Assert.Equal(0, b));
            Assert.False((s.Component(4)[0] & 3) == 1, "BNDCFGU.EN = 1 with BNDPRESERVE = 0");
        });
        // The generator still reaches the register bytes (the constraint does not collapse the components to init).
        Assert.Contains(states, s => s.Component(9).AsSpan()[..4].ToArray().Any(b => b != 0));
        Assert.Contains(states, s => (s.Component(4)[0] & 1) == 1);
    }

    [Fact]
    public void A_model_keeps_every_byte()
    {
        var states = Gen.Sample(MachineGen.State(Cpu, MachineConstraints.Any), 400, new Rnd(7UL), 50);
        Assert.Contains(states, s => s.Component(9).AsSpan()[4..].ToArray().Any(b => b != 0));
    }

    [Fact]
    public void Open_bytes_are_the_non_register_bytes_of_saved_components_in_the_instruction_layout()
    {
        var area = XsaveBuffer.Zeroed(0xAC0);
        // x87 (RFBM[0]): bytes 10..15 of each 16-byte ST slot from byte 32 (SDM Vol. 1 Table 10-2, "reserved").
        var x87 = Enumerable.Range(0, 8).Select(k => new ByteRange(32 + 16 * k + 10, 6)).ToList();
        var standard = RegisterFields.OpenBytes(Cpu, new FeatureMask(0x21F), area, compacted: false).ToList();
        Assert.Equal([.. x87, ByteRange.FromTo(0x400 + 16, 0x440), ByteRange.FromTo(0xA80 + 4, 0xA88)], standard);
        Assert.Equal(x87, RegisterFields.OpenBytes(Cpu, new FeatureMask(0x7), area, compacted: false).ToList());
        Assert.Empty(RegisterFields.OpenBytes(Cpu, new FeatureMask(0x6), area, compacted: false));

        // Compacted, XCOMP_BV = bit 63 | 0x210: BNDCSR at 576, PKRU right after it at 640 (R15, no alignment bits).
        var compacted = area.WithXcompBv(new FeatureMask(0x210 | 1UL << 63));
        Assert.Equal([ByteRange.FromTo(576 + 16, 640), ByteRange.FromTo(640 + 4, 648)],
            RegisterFields.OpenBytes(Cpu, new FeatureMask(0x210), compacted, compacted: true).ToList());
    }
}
